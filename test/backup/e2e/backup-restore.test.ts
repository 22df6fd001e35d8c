/**
 * End to end, with real components: a PostgreSQL cluster, Azurite and az on this machine run the
 * scripts, commands and environment taken from the synthesized BackupCronJob, PostgresRestoreJob
 * and PostgresRestoreDrill manifests. Needs scripts/install-system-deps.sh; fails (never skips) without it.
 */
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { APP_PASSWORD, CONTAINER, backupPod, drillPod, restorePod, secrets } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { PodRun } from './support/run-pod';
import {
  dumpBlobs,
  runExpecting,
  sha256,
  shadowDatabases,
  startShopEnvironment,
  stopShopEnvironment,
} from './support/shop-environment';
import { E2eTools } from './support/tools';

const PREFIX = 'postgres/shop/';
const DUMP_NAME = /^postgres\/shop\/\d{8}T\d{6}Z\.dump$/;

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;
let sourceCounts: Record<string, number>;

beforeAll(async () => {
  ({ tools, cluster, azurite } = await startShopEnvironment());
  sourceCounts = await cluster.rowCounts('shop');
}, 120_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

describe('BackupCronJob, PostgresRestoreJob and PostgresRestoreDrill against real PostgreSQL and Azurite', () => {
  it('backs up: dumps, verifies and uploads one block blob with checksum, size, versions and source as metadata', async () => {
    const pod = await runExpecting({ tools, cluster }, backupPod(tools, cluster, azurite), true);
    expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
      ['dump', 0],
      ['upload', 0],
    ]);
    expect(pod.runs[0].output).toMatch(/\[dump\] dump verified: \d+ bytes, \d+ entries, sha256 [0-9a-f]{64}/);

    const blobs = await azurite.list(CONTAINER);
    expect(blobs).toHaveLength(2);
    const [blob, globals] = blobs;
    expect(blob.name).toMatch(DUMP_NAME);
    expect(globals.name).toBe(blob.name.replace(/\.dump$/, '.globals.sql'));
    const properties = await azurite.container(CONTAINER).getBlobClient(blob.name).getProperties();
    expect(properties.blobType).toBe('BlockBlob');
    const bytes = await azurite.download(CONTAINER, blob.name);
    expect(bytes.subarray(0, 5).toString()).toBe('PGDMP');
    const serverVersion = (await cluster.sql('postgres', 'SHOW server_version')).split(' ')[0];
    expect(blob.metadata).toEqual({
      sha256: sha256(bytes),
      size: String(bytes.length),
      server_version: serverVersion,
      pg_dump_version: expect.stringMatching(new RegExp(`^${tools.postgresMajor}\\.`)),
      source: `127.0.0.1:${cluster.port}/shop`,
      created: blob.name.slice(PREFIX.length, -'.dump'.length),
      entries: expect.stringMatching(/^[1-9]\d*$/),
      compression: 'gzip',
      globals_sha256: globals.metadata.sha256,
      globals_size: globals.metadata.size,
    });
    expect(blob.size).toBe(bytes.length);
  }, 120_000);

  it('restores the latest dump into a new database with the same row counts as the source', async () => {
    const pod = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_restored' } }),
      true,
    );
    expect(pod.runs.map((r) => r.name)).toEqual(['fetch', 'restore']);
    expect(pod.runs[1].output).toMatch(/verified postgres\/shop\/\d{8}T\d{6}Z\.dump: \d+ bytes, sha256/);
    expect(await cluster.rowCounts('shop_restored')).toEqual(sourceCounts);
    expect(sourceCounts).toEqual({ 'public.customers': 1000, 'public.orders': 20_001 });
    // The view and the sequence came back too.
    expect(await cluster.sql('shop_restored', 'SELECT count(*) FROM big_orders')).toBe(
      await cluster.sql('shop', 'SELECT count(*) FROM big_orders'),
    );
    expect(await cluster.sql('shop_restored', 'SELECT last_value FROM orders_id_seq')).toBe('20001');
    expect(await cluster.sql('shop_restored', "SELECT count(*) FROM orders WHERE note = 'COMMIT;'")).toBe('1');
    // The large object, restored inside the one transaction.
    expect(
      await cluster.sql('shop_restored', "SELECT convert_from(lo_get(oid), 'UTF8') FROM pg_largeobject_metadata"),
    ).toBe('a large object');
  }, 120_000);

  it('restores a named dump in replace mode: the restored database takes the name, the old one is kept as <name>__before_<ts> with its data', async () => {
    const [dump] = await dumpBlobs(azurite, PREFIX);
    await cluster.sql('shop', "DELETE FROM orders WHERE id % 2 = 0; UPDATE customers SET name = 'changed'");
    expect((await cluster.rowCounts('shop'))['public.orders']).toBe(10_001);

    await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'replace' }, dump: dump.name }),
      true,
    );
    expect(await cluster.rowCounts('shop')).toEqual(sourceCounts);
    expect(await cluster.sql('shop', "SELECT count(*) FROM customers WHERE name = 'changed'")).toBe('0');
    const kept = (
      await cluster.sql('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_\\_before\\_%'")
    ).split('\n');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^shop__before_\d{8}T\d{6}Z$/);
    expect((await cluster.rowCounts(kept[0]))['public.orders']).toBe(10_001);
    expect(await cluster.sql('postgres', `SELECT datallowconn FROM pg_database WHERE datname = '${kept[0]}'`)).toBe(
      't',
    );
    expect(await shadowDatabases(cluster, 'shop')).toEqual([]);
  }, 120_000);

  it('never overwrites: an upload whose blob name already exists fails and leaves that blob alone', async () => {
    const before = await azurite.list(CONTAINER, PREFIX);
    let planted = '';
    let planting: Promise<void> | undefined;
    const pod = await runExpecting({ tools, cluster }, backupPod(tools, cluster, azurite), false, {
      beforeStart: (container, volumes) => {
        if (container !== 'upload') return;
        // Another writer gets to this name first (e.g. a second run in the same second): as soon
        // as the dump container names the blob, long before the upload can start.
        const nameFile = path.join(volumes.scratch, 'blob-name');
        planting = (async () => {
          while (!fs.existsSync(nameFile) || !fs.readFileSync(nameFile, 'utf8').endsWith('\n'))
            await new Promise((r) => setTimeout(r, 5));
          planted = fs.readFileSync(nameFile, 'utf8').trim();
          await azurite
            .container(CONTAINER)
            .getBlockBlobClient(planted)
            .upload('not a dump', 10, { metadata: { owner: 'someone-else' } });
        })();
      },
    });
    await planting;
    expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
      ['dump', 0],
      ['upload', 1],
    ]);
    // Put Block List with If-None-Match: * is refused with 409 Conflict when the name exists.
    expect(pod.runs[1].output).toMatch(
      /returned error: 409[\s\S]*FAILED: committing \S+ failed \(an existing blob is never replaced\)/,
    );
    expect((await azurite.download(CONTAINER, planted)).toString()).toBe('not a dump');
    // The planted blob, and the globals stored before the refused commit (a dump's globals go first).
    expect(await azurite.list(CONTAINER, PREFIX)).toHaveLength(before.length + 2);
    await azurite.container(CONTAINER).deleteBlob(planted);
    await azurite.container(CONTAINER).deleteBlob(planted.replace(/\.dump$/, '.globals.sql'));
  }, 120_000);

  it('drills: restores the latest dump into a throwaway server in the pod and runs the verification query', async () => {
    const pod = await runExpecting(
      { tools, cluster },
      drillPod(tools, cluster, azurite, { verificationQuery: 'SELECT count(*) = 20001 FROM orders' }),
      true,
    );
    expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
      ['fetch', 0],
      ['drill', 0],
    ]);
    expect(pod.runs[1].output).toMatch(/restored 2 tables; running the verification query/);
    expect(pod.runs[1].output).toMatch(/drill passed/);
  }, 120_000);

  it('fails the drill when the verification query is not true', async () => {
    const pod = await runExpecting(
      { tools, cluster },
      drillPod(tools, cluster, azurite, { verificationQuery: 'SELECT count(*) > 20001 FROM orders' }),
      false,
    );
    expect(pod.runs[1].output).toMatch(/the verification query returned 'f' instead of true/);
  }, 120_000);

  it('runs the verification query as one read-only statement of a non-superuser: no second statement, no shell, no psql meta-command', async () => {
    const marker = path.join(os.tmpdir(), `aks-stateful-drill-${process.pid}`);
    fs.rmSync(marker, { force: true });
    const refused: Array<[string, RegExp]> = [
      ['SELECT true; SELECT true', /cannot open multi-query plan as cursor/],
      ['SELECT true; DROP TABLE orders', /cannot open multi-query plan as cursor/],
      [`COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`, /cannot open COPY query as cursor/],
      ["SELECT pg_read_file('/etc/passwd') IS NOT NULL", /permission denied for function pg_read_file/],
      ['WITH gone AS (DELETE FROM orders RETURNING 1) SELECT true', /read-only transaction/],
      ['SELECT true, true', /returned .*, not one boolean/],
      ['SELECT true FROM orders', /returned more than one row/],
    ];
    for (const [query, error] of refused) {
      const pod = await runExpecting(
        { tools, cluster },
        drillPod(tools, cluster, azurite, { verificationQuery: query }),
        false,
      );
      const output = pod.runs.find((r) => r.name === 'drill')!.output;
      expect(output, query).toMatch(error);
      expect(output, query).toMatch(/the verification query failed/);
    }
    // A meta-command that got past synthesis (a hand-edited manifest) still reaches the server as SQL, never psql.
    const spec = drillPod(tools, cluster, azurite);
    const drill = spec.containers.find((c: any) => c.name === 'drill');
    drill.env.find((e: any) => e.name === 'DRILL_QUERY').value = `\\! touch ${marker}`;
    const pod = await runExpecting({ tools, cluster }, spec, false);
    expect(pod.runs.find((r) => r.name === 'drill')!.output).toMatch(/syntax error at or near "\\"/);
    expect(fs.existsSync(marker)).toBe(false);
    // And the restored data was only read.
    const passing = await runExpecting(
      { tools, cluster },
      drillPod(tools, cluster, azurite, { verificationQuery: 'SELECT count(*) = 20001 FROM orders;' }),
      true,
    );
    expect(passing.runs[1].output).toMatch(/drill passed/);
  }, 600_000);

  it('switches nothing when the streamed bytes differ from the recorded checksum: a replace restore leaves the database as it was, the drill fails', async () => {
    const [dump] = (await dumpBlobs(azurite, PREFIX)).slice(-1);
    const blob = azurite.container(CONTAINER).getBlockBlobClient(dump.name);
    // The archive itself is intact, so pg_restore restores all of it into the shadow: only the
    // checksum, compared after the last byte, holds the switch back.
    await blob.setMetadata({ ...dump.metadata, sha256: 'f'.repeat(64) });
    await cluster.sql('shop', "UPDATE customers SET name = 'kept' WHERE id = 1");
    try {
      const restore = await runExpecting(
        { tools, cluster },
        restorePod(tools, cluster, azurite, { mode: { mode: 'replace' } }),
        false,
      );
      const output = restore.runs.find((r) => r.name === 'restore')!.output;
      expect(output).toMatch(
        /checksum mismatch for postgres\/shop\/\d{8}T\d{6}Z\.dump: sha256 [0-9a-f]{64}, recorded at backup time f{64}/,
      );
      expect(output).toMatch(/the restore failed: shop is unchanged/);
      expect(output).not.toMatch(/switched/);
      expect(await shadowDatabases(cluster, 'shop')).toEqual([]);
      expect(await cluster.sql('postgres', "SELECT datallowconn FROM pg_database WHERE datname = 'shop'")).toBe('t');
      expect(restore.runs.find((r) => r.name === 'fetch')!.code).toBe(0);
      expect(await cluster.sql('shop', 'SELECT name FROM customers WHERE id = 1')).toBe('kept');
      expect(await cluster.rowCounts('shop')).toEqual(sourceCounts);
      // pg_restore's large object block comes after the tables' data; a COMMIT of its own there
      // would have made "kept" disappear above.
      expect(await cluster.sql('shop', 'SELECT count(*) FROM pg_largeobject_metadata')).toBe('1');

      const drill = await runExpecting({ tools, cluster }, drillPod(tools, cluster, azurite), false);
      expect(drill.runs.find((r) => r.name === 'drill')!.output).toMatch(
        /checksum mismatch[\s\S]*cannot be restored: the drill failed/,
      );
    } finally {
      await blob.setMetadata(dump.metadata);
      await cluster.sql('shop', "UPDATE customers SET name = 'customer 1' WHERE id = 1");
    }
  }, 120_000);

  it('refuses a corrupted blob: the restore fails and nothing is restored', async () => {
    const [dump] = (await dumpBlobs(azurite, PREFIX)).slice(-1);
    const bytes = await azurite.download(CONTAINER, dump.name);
    // Same length, one byte flipped in the middle.
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await azurite.container(CONTAINER).getBlockBlobClient(dump.name).uploadData(bytes, { metadata: dump.metadata });

    const restore = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_corrupt' } }),
      false,
    );
    const output = restore.runs.find((r) => r.name === 'restore')!.output;
    expect(restore.runs.find((r) => r.name === 'restore')!.code).toBe(1);
    // pg_restore notices the damaged compressed data before the checksum can; either way nothing commits.
    expect(output).toMatch(/could not uncompress data|checksum mismatch/);
    expect(output).toMatch(/the restore failed: nothing was restored/);
    expect(output).toMatch(/dropping the shadow database shop_corrupt__restoring_\d{8}T\d{6}Z/);
    expect(await cluster.databaseExists('shop_corrupt')).toBe(false);
    expect(await shadowDatabases(cluster, 'shop_corrupt')).toEqual([]);
  }, 120_000);

  it('commits nothing from a stream cut short, even when the download claims success', async () => {
    // A curl whose download of the dump (its URL comes in the config on fd 3) passes on only the
    // first 64 KiB of the blob and exits 0.
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-short-curl-'));
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
        restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_short' } }),
        false,
        { pathPrefix: fake },
      );
      expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
        ['fetch', 0],
        ['restore', 1],
      ]);
      expect(pod.runs[1].output).toMatch(/the restore failed: nothing was restored/);
      expect(await cluster.databaseExists('shop_short')).toBe(false);
      expect(await shadowDatabases(cluster, 'shop_short')).toEqual([]);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  }, 120_000);

  it('stops the download promptly when the restore container fails before reading', async () => {
    const started = Date.now();
    const pod = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_denied' } }),
      false,
      { secrets: secrets('wrong-password') },
    );
    // psql's own exit status (2: no connection) ends the restore container.
    expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
      ['fetch', 1],
      ['restore', 2],
    ]);
    expect(pod.runs[1].output).toMatch(/password authentication failed/);
    expect(pod.runs[0].output).toMatch(/the restore container stopped before/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await cluster.databaseExists('shop_denied')).toBe(false);
  }, 120_000);

  /**
   * Runs a new-database restore (of the dump `dump`, the latest by default) whose pg_restore
   * announces itself and then takes 60 s, and sends `signal` to the restore container once
   * pg_restore is writing into the shadow (`beforeSignal` runs just before). SIGTERM goes to the
   * script, as the kubelet sends it; SIGKILL to its whole group.
   */
  async function interruptedRestore(
    database: string,
    signal: 'SIGTERM' | 'SIGKILL',
    beforeSignal: () => Promise<void> = async () => {},
    dump?: string,
  ): Promise<PodRun> {
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-slow-restore-'));
    fs.writeFileSync(
      path.join(fake, 'pg_restore'),
      `#!/bin/bash
if [[ " $* " == *" --dbname="* ]]; then : > "$SCRATCH_DIR/pg_restore-started"; sleep 60; fi
exec "${path.join(tools.postgresBin, 'pg_restore')}" "$@"
`,
      { mode: 0o755 },
    );
    fs.chmodSync(fake, 0o755);
    let scratch = '';
    let signalling: Promise<void> | undefined;
    try {
      const pod = await runExpecting(
        { tools, cluster },
        restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database }, dump }),
        false,
        {
          pathPrefix: fake,
          beforeStart: (_container, volumes) => {
            scratch = volumes.scratch;
          },
          onStart: (container, pid) => {
            if (container !== 'restore') return;
            signalling = (async () => {
              while (!fs.existsSync(path.join(scratch, 'pg_restore-started')))
                await new Promise((r) => setTimeout(r, 20));
              await beforeSignal();
              process.kill(signal === 'SIGKILL' ? -pid : pid, signal);
            })();
          },
        },
      );
      await signalling;
      return pod;
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  }

  it('on the Job deadline (TERM), stops mid-restore and drops its shadow: no target, no shadow', async () => {
    // A blob larger than the pipes between the download and pg_restore can hold (1 MiB each at
    // most), so that the fetch is still sending when the restore stops; the slow pg_restore never
    // reads it, so its bytes need only match their recorded checksum.
    const large = `${PREFIX}99990101T000000Z.dump`;
    const bytes = crypto.randomBytes(8 << 20);
    await azurite
      .container(CONTAINER)
      .getBlockBlobClient(large)
      .uploadData(bytes, { metadata: { sha256: sha256(bytes) } });
    const started = Date.now();
    let pod: PodRun;
    try {
      pod = await interruptedRestore(
        'shop_term',
        'SIGTERM',
        async () => {
          expect(await shadowDatabases(cluster, 'shop_term')).toHaveLength(1);
        },
        large,
      );
    } finally {
      await azurite.container(CONTAINER).deleteBlob(large);
    }
    const restore = pod.runs.find((r) => r.name === 'restore')!;
    expect(restore.code).toBe(143);
    expect(restore.output).toMatch(/dropping the shadow database shop_term__restoring_/);
    expect(await shadowDatabases(cluster, 'shop_term')).toEqual([]);
    expect(pod.runs.find((r) => r.name === 'fetch')!.output).toMatch(/the restore container stopped/);
    expect(await cluster.databaseExists('shop_term')).toBe(false);
    // Well before the 60 s the slow pg_restore would take.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 120_000);

  it('killed outright (SIGKILL) mid-stream, leaves at most its one shadow, which the next run drops before it succeeds', async () => {
    // A fresh latest dump: the corrupted-blob case above damaged the one before.
    await runExpecting({ tools, cluster }, backupPod(tools, cluster, azurite), true);
    const pod = await interruptedRestore('shop_killed', 'SIGKILL');
    expect(pod.runs.find((r) => r.name === 'restore')!.signal).toBe('SIGKILL');
    const left = await shadowDatabases(cluster, 'shop_killed');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^shop_killed__restoring_\d{8}T\d{6}Z$/);
    expect(await cluster.databaseExists('shop_killed')).toBe(false);

    const next = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_killed' } }),
      true,
    );
    expect(next.runs[1].output).toContain(`dropping ${left[0]}, the shadow of an earlier restore that did not finish`);
    expect(await shadowDatabases(cluster, 'shop_killed')).toEqual([]);
    expect(await cluster.rowCounts('shop_killed')).toEqual(sourceCounts);
  }, 120_000);

  it('replace mode ends the sessions connected to the target and switches; a corrupt blob leaves the target in place and connectable', async () => {
    // An application session of the same role, idle in the target, that the switch must end.
    const session = spawn(
      path.join(tools.postgresBin, 'psql'),
      [
        '--no-psqlrc',
        '--host',
        cluster.host,
        '--port',
        String(cluster.port),
        '--username',
        'app',
        '--dbname',
        'shop',
        '--command',
        'SELECT pg_sleep(300)',
      ],
      { env: { ...process.env, PGPASSWORD: APP_PASSWORD }, stdio: 'ignore' },
    );
    const sessionEnded = new Promise<number | null>((resolve) => session.on('exit', (code) => resolve(code)));
    try {
      while (
        (await cluster.sql(
          'postgres',
          "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop' AND usename = 'app'",
        )) !== '1'
      )
        await new Promise((r) => setTimeout(r, 50));
      await cluster.sql('shop', "UPDATE customers SET name = 'before the switch' WHERE id = 2");
      const before = new Set((await cluster.sql('postgres', 'SELECT datname FROM pg_database')).split('\n'));
      const pod = await runExpecting(
        { tools, cluster },
        restorePod(tools, cluster, azurite, { mode: { mode: 'replace' } }),
        true,
      );
      expect(pod.runs[1].output).toMatch(/refusing new connections to shop and ending its sessions/);
      expect(await sessionEnded).not.toBe(0);
      expect(await cluster.sql('shop', 'SELECT name FROM customers WHERE id = 2')).toBe('customer 2');
      const added = (await cluster.sql('postgres', 'SELECT datname FROM pg_database'))
        .split('\n')
        .filter((d) => !before.has(d));
      expect(added).toHaveLength(1);
      expect(added[0]).toMatch(/^shop__before_\d{8}T\d{6}Z$/);
      expect(await cluster.sql(added[0], 'SELECT name FROM customers WHERE id = 2')).toBe('before the switch');
    } finally {
      session.kill('SIGKILL');
    }

    const [dump] = (await dumpBlobs(azurite, PREFIX)).slice(-1);
    const original = await azurite.download(CONTAINER, dump.name);
    const bytes = Buffer.from(original);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    const client = azurite.container(CONTAINER).getBlockBlobClient(dump.name);
    await client.uploadData(bytes, { metadata: dump.metadata });
    await cluster.sql('shop', "UPDATE customers SET name = 'kept' WHERE id = 3");
    try {
      const oid = await cluster.sql('postgres', "SELECT oid FROM pg_database WHERE datname = 'shop'");
      const pod = await runExpecting(
        { tools, cluster },
        restorePod(tools, cluster, azurite, { mode: { mode: 'replace' } }),
        false,
      );
      expect(pod.runs[1].output).toMatch(/the restore failed: shop is unchanged/);
      expect(await cluster.sql('postgres', "SELECT oid FROM pg_database WHERE datname = 'shop'")).toBe(oid);
      expect(await cluster.sql('postgres', "SELECT datallowconn FROM pg_database WHERE datname = 'shop'")).toBe('t');
      expect(await cluster.sql('shop', 'SELECT name FROM customers WHERE id = 3')).toBe('kept');
      expect(await shadowDatabases(cluster, 'shop')).toEqual([]);
    } finally {
      await client.uploadData(original, { metadata: dump.metadata });
      await cluster.sql('shop', "UPDATE customers SET name = 'customer 3' WHERE id = 3");
    }
  }, 120_000);

  it('refuses a blob without a recorded checksum', async () => {
    await azurite.container(CONTAINER).getBlockBlobClient(`${PREFIX}99991231T235959Z.dump`).upload('PGDMP', 5);
    const pod = await runExpecting(
      { tools, cluster },
      restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: 'shop_unverified' } }),
      false,
    );
    expect(pod.runs.map((r) => [r.name, r.code])).toEqual([
      ['fetch', 1],
      ['restore', 1],
    ]);
    expect(pod.runs[0].output).toMatch(/records no sha256: it was not written by BackupCronJob/);
    expect(pod.runs[1].output).toMatch(/the fetch container failed \(see its log\): nothing was restored/);
    expect(await cluster.databaseExists('shop_unverified')).toBe(false);
    await azurite.container(CONTAINER).deleteBlob(`${PREFIX}99991231T235959Z.dump`);
  }, 120_000);
});
