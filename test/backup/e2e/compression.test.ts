/**
 * The `compression` prop end to end, with real PostgreSQL, Azurite and az (see
 * backup-restore.test.ts): each backup's archive is compressed as asked, says so in its blob
 * metadata and archive header, and restores through the restore pod to the source's row counts.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupCronJobProps } from '../../../lib';
import { Azurite, StoredBlob } from './support/azurite';
import { CONTAINER, backupPod, restorePod } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { dumpBlobs, runExpecting, startShopEnvironment, stopShopEnvironment } from './support/shop-environment';
import { E2eTools } from './support/tools';

const PREFIX = 'postgres/shop/';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;
let sourceCounts: Record<string, number>;
let lastBackupEnded = 0;
/** The dump of each backup made here, by the compression asked for ('default' for none given). */
const made: Record<string, StoredBlob> = {};

/** The archive header's compression line, as pg_restore --list prints it. */
async function headerCompression(blob: StoredBlob): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-compression-')), 'dump');
  try {
    fs.writeFileSync(file, await azurite.download(CONTAINER, blob.name));
    const listed = String(execFileSync(`${tools.postgresBin}/pg_restore`, ['--list', file]));
    return /^; +Compression: (.*)$/m.exec(listed)?.[1] ?? '(none)';
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Backs up with `compression` (unset for 'default'), restores that dump into a new database, and checks both. */
async function backUpAndRestore(
  compression: NonNullable<BackupCronJobProps['compression']> | 'default',
  database: string,
) {
  const before = new Set((await dumpBlobs(azurite, PREFIX)).map((b) => b.name));
  // Blob names carry the dump's UTC second, and a name is never reused: two backups in one second
  // would make the second fail (as it should). These run back to back, so each starts in a new second.
  while (Math.floor(Date.now() / 1000) <= Math.floor(lastBackupEnded / 1000)) await sleep(50);
  await runExpecting(
    { tools, cluster },
    backupPod(tools, cluster, azurite, compression === 'default' ? {} : { compression: compression }),
    true,
  );
  lastBackupEnded = Date.now();
  const added = (await dumpBlobs(azurite, PREFIX)).filter((b) => !before.has(b.name));
  expect(added).toHaveLength(1);
  const [dump] = added;
  expect(dump.metadata.compression).toBe(compression === 'default' ? 'gzip' : compression);
  made[compression] = dump;

  await runExpecting(
    { tools, cluster },
    restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database }, dump: dump.name }),
    true,
  );
  expect(await cluster.rowCounts(database)).toEqual(sourceCounts);
  expect(await cluster.sql(database, 'SELECT sum(total) FROM orders')).toBe(
    await cluster.sql('shop', 'SELECT sum(total) FROM orders'),
  );
  return dump;
}

beforeAll(async () => {
  ({ tools, cluster, azurite } = await startShopEnvironment());
  sourceCounts = await cluster.rowCounts('shop');
}, 120_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

describe('BackupCronJob compression', () => {
  it("the default ('gzip', pg_dump's own level) backs up and restores", async () => {
    const dump = await backUpAndRestore('default', 'shop_default');
    // PostgreSQL 15 prints the zlib level, -1 for zlib's default.
    expect(await headerCompression(dump)).toBe('-1');
  }, 180_000);

  it("'gzip:1' backs up at level 1 and restores", async () => {
    const dump = await backUpAndRestore('gzip:1', 'shop_gzip1');
    expect(await headerCompression(dump)).toBe('1');
  }, 180_000);

  it("'none' backs up uncompressed, larger than the default, and restores", async () => {
    const dump = await backUpAndRestore('none', 'shop_none');
    expect(await headerCompression(dump)).toBe('0');
    expect(dump.size).toBeGreaterThan(2 * made.default.size);
    expect(dump.size).toBeGreaterThan(made['gzip:1'].size);
  }, 180_000);

  it.each<[string, RegExp]>([
    // lz4 refused at synth for a PostgreSQL 15 image; the script refuses it too, as its own check.
    ['lz4', /FAILED: DUMP_COMPRESSION 'lz4' needs pg_dump 16 or later, this is pg_dump 15\.\d+/],
    ['zstd:3', /FAILED: DUMP_COMPRESSION 'zstd:3' needs pg_dump 16 or later, this is pg_dump 15\.\d+/],
    ['gzip:10', /FAILED: DUMP_COMPRESSION 'gzip:10' is not one of gzip, gzip:0-9, lz4, lz4:1-12/],
  ])(
    'the dump script refuses DUMP_COMPRESSION=%s on its own, and nothing is uploaded',
    async (value, message) => {
      const before = await azurite.list(CONTAINER);
      const spec = backupPod(tools, cluster, azurite);
      const variable = spec.containers[0].env.find((e: any) => e.name === 'DUMP_COMPRESSION');
      variable.value = value;
      const pod = await runExpecting({ tools, cluster }, spec, false);
      expect(
        pod.runs.map((r) => [r.name, r.code === 0]),
        pod.log,
      ).toEqual([
        ['dump', false],
        ['upload', false],
      ]);
      expect(pod.runs[0].output).toMatch(message);
      expect(await azurite.list(CONTAINER)).toEqual(before);
    },
    120_000,
  );
});
