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
import { CONTAINER, backupPod, restorePod } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import {
  containerOutput,
  dumpBlobs,
  runExpecting,
  shadowDatabases,
  startShopEnvironment,
  stopShopEnvironment,
} from './support/shop-environment';
import { E2eTools } from './support/tools';

const PREFIX = 'postgres/shop/';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;
let sourceCounts: Record<string, number>;

/** The restore pod with `jobs` above 1: the dump downloaded to a scratch volume large enough for it. */
function parallelRestorePod(mode: RestoreMode, jobs: number): any {
  return restorePod(tools, cluster, azurite, { mode, jobs, scratchSize: '1Gi' });
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
  ({ tools, cluster, azurite } = await startShopEnvironment());
  sourceCounts = await cluster.rowCounts('shop');
  await runExpecting({ tools, cluster }, backupPod(tools, cluster, azurite), true);
}, 180_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

describe('PostgresRestoreJob with jobs > 1: download, verify, pg_restore --jobs', () => {
  it('restores the same database as the streamed restore, and leaves no dump file in the scratch volume', async () => {
    const streamed = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_streamed' } }),
      true,
    );
    expect(containerOutput(streamed, 'fetch')).toMatch(/streaming postgres\/shop\/\d{8}T\d{6}Z\.dump/);
    const parallel = await runExpecting(
      { tools, cluster },
      parallelRestorePod({ mode: 'newDatabase', database: 'shop_parallel' }, 4),
      true,
    );
    const fetch = containerOutput(parallel, 'fetch');
    const restore = containerOutput(parallel, 'restore');
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
    expect(await shadowDatabases(cluster, 'shop_parallel')).toEqual([]);
  }, 240_000);

  it('replaces the database from a parallel restore, keeping the old one as __before_', async () => {
    await cluster.sql('shop', "DELETE FROM orders WHERE id % 2 = 0; UPDATE customers SET name = 'changed'");
    const pod = await runExpecting({ tools, cluster }, parallelRestorePod({ mode: 'replace' }, 2), true);
    expect(containerOutput(pod, 'restore')).toMatch(
      /running pg_restore with 2 jobs[\s\S]*switched: shop is the restored database/,
    );
    expect(await cluster.rowCounts('shop')).toEqual(sourceCounts);
    expect(await cluster.sql('shop', "SELECT count(*) FROM customers WHERE name = 'changed'")).toBe('0');
    const kept = (
      await cluster.sql('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_\\_before\\_%'")
    ).split('\n');
    expect(kept).toHaveLength(1);
    expect((await cluster.rowCounts(kept[0]))['public.orders']).toBe(10_001);
    expect(pod.scratchLeft).not.toContain('dump');
    expect(await shadowDatabases(cluster, 'shop')).toEqual([]);
  }, 120_000);

  it('refuses a corrupted blob before pg_restore reads it: no target, no shadow, no file left', async () => {
    const [dump] = (await dumpBlobs(azurite, PREFIX)).slice(-1);
    const original = await azurite.download(CONTAINER, dump.name);
    const client = azurite.container(CONTAINER).getBlockBlobClient(dump.name);
    try {
      // Same length, one byte flipped in the middle.
      const flipped = Buffer.from(original);
      flipped[Math.floor(flipped.length / 2)] ^= 0xff;
      await client.uploadData(flipped, { metadata: dump.metadata });
      const corrupt = await runExpecting(
        { tools, cluster },
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_corrupt' }, 4),
        false,
      );
      const restore = containerOutput(corrupt, 'restore');
      expect(restore).toMatch(
        /checksum mismatch for postgres\/shop\/\d{8}T\d{6}Z\.dump: sha256 [0-9a-f]{64}, recorded at backup time/,
      );
      expect(restore).toMatch(/the restore failed: nothing was restored/);
      expect(restore).not.toMatch(/running pg_restore/);
      expect(await cluster.databaseExists('shop_corrupt')).toBe(false);
      expect(await shadowDatabases(cluster, 'shop_corrupt')).toEqual([]);
      expect(corrupt.scratchLeft).not.toContain('dump');

      // Truncated: the first half only, under the original metadata.
      await client.uploadData(original.subarray(0, Math.floor(original.length / 2)), { metadata: dump.metadata });
      const truncated = await runExpecting(
        { tools, cluster },
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_truncated' }, 4),
        false,
      );
      expect(containerOutput(truncated, 'restore')).toMatch(/checksum mismatch for postgres\/shop\//);
      expect(containerOutput(truncated, 'restore')).not.toMatch(/running pg_restore/);
      expect(await cluster.databaseExists('shop_truncated')).toBe(false);
      expect(await shadowDatabases(cluster, 'shop_truncated')).toEqual([]);
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
      const pod = await runExpecting(
        { tools, cluster },
        parallelRestorePod({ mode: 'newDatabase', database: 'shop_short' }, 2),
        false,
        { pathPrefix: fake },
      );
      expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
        ['fetch', 0],
        ['restore', 1],
      ]);
      expect(containerOutput(pod, 'restore')).toMatch(
        /size mismatch for postgres\/shop\/\d{8}T\d{6}Z\.dump: 65536 bytes, the blob records \d+/,
      );
      expect(containerOutput(pod, 'restore')).toMatch(/the restore failed: nothing was restored/);
      expect(await cluster.databaseExists('shop_short')).toBe(false);
      expect(await shadowDatabases(cluster, 'shop_short')).toEqual([]);
      expect(pod.scratchLeft).not.toContain('dump');
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  }, 120_000);
});
