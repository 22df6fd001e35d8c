/**
 * PostgresRestoreJob with `jobs` above 1, end to end with real PostgreSQL, Azurite and az (see
 * backup-restore.test.ts): the dump is downloaded to the scratch volume, verified, restored by
 * pg_restore --jobs, and deleted; a damaged download never reaches pg_restore.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import type { RestoreMode } from '../../../lib';
import { CONTAINER, backupPod, restorePod, secrets, seedShop } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { PodRun, cleanUp, runPod } from './support/run-pod';
import { E2eTools, requireE2eTools } from './support/tools';

const PREFIX = 'postgres/shop/';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;
let sourceCounts: Record<string, number>;

/**
 * Runs a pod and fails the test with its log unless it succeeded as expected; returns the run and
 * what was left in its scratch volume (checked before its folders are removed).
 */
/** The restore pod with `jobs` above 1: the dump downloaded to a scratch volume large enough for it. */
function parallelRestorePod(mode: RestoreMode, jobs: number): any {
  return restorePod(tools, cluster, azurite, { mode, jobs, scratchSize: '1Gi' });
}

async function runAndCheck(
  podSpec: any,
  expectSuccess: boolean,
  options: Partial<Parameters<typeof runPod>[2]> = {},
): Promise<{ pod: PodRun; scratchLeft: string[] }> {
  const pod = await runPod(podSpec, tools, { secrets: secrets(), ...options });
  const scratchLeft = pod.volumes.scratch ? fs.readdirSync(pod.volumes.scratch) : [];
  cleanUp(pod);
  if (pod.succeeded !== expectSuccess) {
    throw new Error(
      `pod ${expectSuccess ? 'failed' : 'succeeded unexpectedly'}:\n${pod.log}\n--- server log\n${cluster.log().slice(-3000)}`,
    );
  }
  return { pod, scratchLeft };
}

function output(pod: PodRun, container: string): string {
  return pod.runs.find((r) => r.name === container)!.output;
}

async function shadows(target: string): Promise<string[]> {
  const out = await cluster.sql(
    'postgres',
    `SELECT datname FROM pg_database WHERE starts_with(datname, '${target}__restoring_') ORDER BY 1`,
  );
  return out.split('\n').filter(Boolean);
}

/** What a restored shop database holds besides its row counts: view, sequence, large object. */
async function shape(database: string): Promise<string[]> {
  return Promise.all([
    cluster.sql(database, 'SELECT count(*) FROM big_orders'),
    cluster.sql(database, 'SELECT last_value FROM orders_id_seq'),
    cluster.sql(database, "SELECT convert_from(lo_get(oid), 'UTF8') FROM pg_largeobject_metadata"),
    cluster.sql(database, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer'"),
  ]);
}

beforeAll(async () => {
  tools = requireE2eTools();
  [cluster, azurite] = await Promise.all([PostgresCluster.start(tools), Azurite.start(tools)]);
  await azurite.container(CONTAINER).create();
  await seedShop(cluster);
  sourceCounts = await cluster.rowCounts('shop');
  await runAndCheck(backupPod(tools, cluster, azurite), true);
}, 180_000);

afterAll(async () => {
  await Promise.all([cluster?.stop(), azurite?.stop()]);
}, 60_000);

describe('PostgresRestoreJob with jobs > 1: download, verify, pg_restore --jobs', () => {
  it('restores the same database as the streamed restore, and leaves no dump file in the scratch volume', async () => {
    const streamed = await runAndCheck(
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_streamed' } }),
      true,
    );
    expect(output(streamed.pod, 'fetch')).toMatch(/streaming postgres\/shop\/\d{8}T\d{6}Z\.dump/);
    const parallel = await runAndCheck(parallelRestorePod({ mode: 'newDatabase', database: 'shop_parallel' }, 4), true);
    const fetch = output(parallel.pod, 'fetch');
    const restore = output(parallel.pod, 'restore');
    expect(fetch).toMatch(/downloading postgres\/shop\/\d{8}T\d{6}Z\.dump \(\d+ bytes\) to the scratch volume/);
    expect(fetch).toMatch(/downloaded postgres\/shop\//);
    // Verified before pg_restore started, then restored with 4 jobs.
    expect(restore).toMatch(
      /verified postgres\/shop\/\d{8}T\d{6}Z\.dump: \d+ bytes, sha256 [0-9a-f]{64}[\s\S]*running pg_restore with 4 jobs/,
    );
    expect(restore).toMatch(/switched: shop_parallel is the restored database/);
    expect(await cluster.rowCounts('shop_parallel')).toEqual(sourceCounts);
    expect(await cluster.rowCounts('shop_streamed')).toEqual(sourceCounts);
    expect(await shape('shop_parallel')).toEqual(await shape('shop_streamed'));
    expect(await shape('shop_parallel')).toEqual(await shape('shop'));
    expect((await shape('shop_parallel')).slice(1)).toEqual(['20001', 'a large object', '1']);
    expect(parallel.scratchLeft).not.toContain('dump');
    expect(streamed.scratchLeft).not.toContain('dump');
    expect(await shadows('shop_parallel')).toEqual([]);
  }, 240_000);

  it('replaces the database from a parallel restore, keeping the old one as __before_', async () => {
    await cluster.sql('shop', "DELETE FROM orders WHERE id % 2 = 0; UPDATE customers SET name = 'changed'");
    const { pod, scratchLeft } = await runAndCheck(parallelRestorePod({ mode: 'replace' }, 2), true);
    expect(output(pod, 'restore')).toMatch(
      /running pg_restore with 2 jobs[\s\S]*switched: shop is the restored database/,
    );
    expect(await cluster.rowCounts('shop')).toEqual(sourceCounts);
    expect(await cluster.sql('shop', "SELECT count(*) FROM customers WHERE name = 'changed'")).toBe('0');
    const kept = (
      await cluster.sql('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_\\_before\\_%'")
    ).split('\n');
    expect(kept).toHaveLength(1);
    expect((await cluster.rowCounts(kept[0]))['public.orders']).toBe(10_001);
    expect(scratchLeft).not.toContain('dump');
    expect(await shadows('shop')).toEqual([]);
  }, 120_000);

  it('refuses a corrupted blob before pg_restore reads it: no target, no shadow, no file left', async () => {
    const [dump] = (await azurite.list(CONTAINER, PREFIX)).filter((b) => b.name.endsWith('.dump')).slice(-1);
    const original = await azurite.download(CONTAINER, dump.name);
    const client = azurite.container(CONTAINER).getBlockBlobClient(dump.name);
    try {
      // Same length, one byte flipped in the middle.
      const flipped = Buffer.from(original);
      flipped[Math.floor(flipped.length / 2)] ^= 0xff;
      await client.uploadData(flipped, { metadata: dump.metadata });
      const corrupt = await runAndCheck(
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_corrupt' }, 4),
        false,
      );
      const restore = output(corrupt.pod, 'restore');
      expect(restore).toMatch(
        /checksum mismatch for postgres\/shop\/\d{8}T\d{6}Z\.dump: sha256 [0-9a-f]{64}, recorded at backup time/,
      );
      expect(restore).toMatch(/the restore failed: nothing was restored/);
      expect(restore).not.toMatch(/running pg_restore/);
      expect(await cluster.databaseExists('shop_corrupt')).toBe(false);
      expect(await shadows('shop_corrupt')).toEqual([]);
      expect(corrupt.scratchLeft).not.toContain('dump');

      // Truncated: the first half only, under the original metadata.
      await client.uploadData(original.subarray(0, Math.floor(original.length / 2)), { metadata: dump.metadata });
      const truncated = await runAndCheck(
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_truncated' }, 4),
        false,
      );
      expect(output(truncated.pod, 'restore')).toMatch(/checksum mismatch for postgres\/shop\//);
      expect(output(truncated.pod, 'restore')).not.toMatch(/running pg_restore/);
      expect(await cluster.databaseExists('shop_truncated')).toBe(false);
      expect(await shadows('shop_truncated')).toEqual([]);
      expect(truncated.scratchLeft).not.toContain('dump');
    } finally {
      await client.uploadData(original, { metadata: dump.metadata });
    }
  }, 180_000);

  it('refuses a download cut short that curl reports as a success (size mismatch)', async () => {
    // A curl whose download of the dump (its URL comes in the config on fd 3) keeps only the first
    // 64 KiB of it and exits 0.
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-short-file-curl-'));
    fs.writeFileSync(
      path.join(fake, 'curl'),
      `#!/bin/bash
config=$(< /dev/fd/3)
if [[ $config == *'.dump?'* && " $* " != *' --head '* ]]; then /usr/bin/curl "$@" 3<<< "$config" | head --bytes=65536; exit 0; fi
exec /usr/bin/curl "$@" 3<<< "$config"
`,
      { mode: 0o755 },
    );
    fs.chmodSync(fake, 0o755);
    try {
      const { pod, scratchLeft } = await runAndCheck(
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_short' }, 2),
        false,
        { pathPrefix: fake },
      );
      expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
        ['fetch', 0],
        ['restore', 1],
      ]);
      expect(output(pod, 'restore')).toMatch(
        /size mismatch for postgres\/shop\/\d{8}T\d{6}Z\.dump: 65536 bytes, the blob records \d+/,
      );
      expect(output(pod, 'restore')).toMatch(/the restore failed: nothing was restored/);
      expect(await cluster.databaseExists('shop_short')).toBe(false);
      expect(await shadows('shop_short')).toEqual([]);
      expect(scratchLeft).not.toContain('dump');
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  }, 120_000);
});
