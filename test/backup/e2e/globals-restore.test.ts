/**
 * A dump's globals (roles, memberships, tablespaces; `<stamp>.globals.sql` beside `<stamp>.dump`,
 * checked against the dump's globals_sha256 and globals_size), end to end with real PostgreSQL,
 * Azurite and az (see backup-restore.test.ts): applied by PostgresRestoreJob with applyGlobals into
 * a second, fresh server, and by the drill into its throwaway one. The globals blob is the one the
 * backup pod wrote beside its dump (or, from a backup that writes none, the real output of
 * `pg_dumpall --globals-only --no-role-passwords` of the source, uploaded by the test with the same metadata).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, connection, drillPod, restorePod, secrets } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { runOk } from './support/processes';
import {
  containerOutput,
  dumpBlobs,
  runExpecting,
  sha256,
  shadowDatabases,
  startShopEnvironment,
  stopShopEnvironment,
} from './support/shop-environment';
import { E2eTools, requireE2eTools } from './support/tools';

const PREFIX = 'postgres/shop/';
const TARGET_PASSWORD = 'e2e-target-superuser-password';
const OWNS_A_TABLE = "SELECT EXISTS (SELECT FROM pg_catalog.pg_tables WHERE tableowner = 'reporting')";

let tools: E2eTools;
let source: PostgresCluster;
let target: PostgresCluster;
let azurite: Azurite;
let sourceCounts: Record<string, number>;

/** The latest dump blob. */
async function latestDump(): Promise<{ name: string; metadata: Record<string, string> }> {
  const dumps = await dumpBlobs(azurite, PREFIX);
  return dumps[dumps.length - 1];
}

/**
 * Writes the source server's globals beside dump `name` as the backup does: the blob
 * `<stamp>.globals.sql` (metadata sha256, size, kind=globals), and globals_sha256 / globals_size
 * added to the dump's metadata.
 */
async function addGlobals(name: string): Promise<Buffer> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-globals-')), 'globals.sql');
  await runOk(
    path.join(tools.postgresBin, 'pg_dumpall'),
    [
      '--host',
      source.dir,
      '--port',
      String(source.port),
      '--username',
      'postgres',
      '--globals-only',
      '--no-role-passwords',
      '--file',
      file,
    ],
    { timeoutMs: 60_000 },
  );
  const bytes = fs.readFileSync(file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const container = azurite.container(CONTAINER);
  await container.getBlockBlobClient(name.replace(/\.dump$/, '.globals.sql')).uploadData(bytes, {
    metadata: { sha256: sha256(bytes), size: String(bytes.length), kind: 'globals' },
  });
  const dump = container.getBlockBlobClient(name);
  const { metadata } = await dump.getProperties();
  await dump.setMetadata({ ...metadata, globals_sha256: sha256(bytes), globals_size: String(bytes.length) });
  return bytes;
}

/**
 * The globals blob of dump `name`: the one the backup wrote, or (for a backup without globals
 * support) one written by {@link addGlobals}.
 */
async function ensureGlobals(name: string): Promise<Buffer> {
  const { metadata } = await azurite.container(CONTAINER).getBlockBlobClient(name).getProperties();
  if (!metadata?.globals_sha256) return addGlobals(name);
  return azurite.download(CONTAINER, name.replace(/\.dump$/, '.globals.sql'));
}

/** A copy of dump `from` named `to`, with the metadata of a dump written before globals were saved. */
async function copyWithoutGlobals(from: string, to: string): Promise<void> {
  const container = azurite.container(CONTAINER);
  const { metadata } = await container.getBlockBlobClient(from).getProperties();
  const old = { ...metadata };
  delete old.globals_sha256;
  delete old.globals_size;
  await container.getBlockBlobClient(to).uploadData(await azurite.download(CONTAINER, from), { metadata: old });
}

/** A restore into the fresh target server, connecting as its superuser. */
function targetRestore(database: string, options: Record<string, unknown> = {}): any {
  return restorePod(tools, source, azurite, {
    database: connection(target, { user: 'postgres', database: 'postgres', majorVersion: tools.postgresMajor as 15 }),
    mode: { mode: 'newDatabase', database },
    applyGlobals: true,
    ...options,
  });
}

beforeAll(async () => {
  // The source is the shop environment's server; the target a second, empty one.
  [{ tools, cluster: source, azurite }, target] = await Promise.all([
    startShopEnvironment(),
    PostgresCluster.start(requireE2eTools()),
  ]);
  // A role that owns a table and holds a grant, and that the application role is a member of.
  await source.sql('postgres', 'CREATE ROLE reporting NOLOGIN; GRANT reporting TO app');
  await source.sql(
    'shop',
    `CREATE TABLE reports (id int PRIMARY KEY, title text);
    INSERT INTO reports VALUES (1, 'weekly'), (2, 'monthly');
    ALTER TABLE reports OWNER TO reporting;
    GRANT SELECT ON customers TO reporting;`,
  );
  sourceCounts = await source.rowCounts('shop');
  await target.sql('postgres', `ALTER ROLE postgres PASSWORD '${TARGET_PASSWORD}'`);
  await runExpecting({ tools }, backupPod(tools, source, azurite), true);
  await ensureGlobals((await latestDump()).name);
}, 180_000);

afterAll(() => Promise.all([stopShopEnvironment({ cluster: source, azurite }), target?.stop()]), 60_000);

describe('globals: applied before the restore into a new server, and in the drill', () => {
  it('into a fresh server: roles first, then the database with its owners, grants and memberships', async () => {
    expect(await target.sql('postgres', "SELECT count(*) FROM pg_roles WHERE rolname IN ('app', 'reporting')")).toBe(
      '0',
    );
    const pod = await runExpecting({ tools }, targetRestore('shop'), true, {
      secrets: secrets(TARGET_PASSWORD),
    });
    const fetch = containerOutput(pod, 'fetch');
    const restore = containerOutput(pod, 'restore');
    expect(fetch).toMatch(/downloading postgres\/shop\/\d{8}T\d{6}Z\.globals\.sql \(\d+ bytes\)/);
    expect(restore).toMatch(
      /verified the globals of postgres\/shop\/\d{8}T\d{6}Z\.dump: \d+ bytes, sha256 [0-9a-f]{64}/,
    );
    // The target's own postgres role is the one CREATE ROLE that fails (42710), and is accepted.
    expect(restore).toMatch(/applied the globals: 1 existing roles kept/);
    expect(restore.indexOf('applied the globals')).toBeGreaterThan(0);
    expect(restore.indexOf('applied the globals')).toBeLessThan(restore.indexOf('restoring postgres/shop/'));
    expect(await target.rowCounts('shop')).toEqual(sourceCounts);
    expect(await target.sql('shop', "SELECT tableowner FROM pg_tables WHERE tablename = 'reports'")).toBe('reporting');
    expect(await target.sql('shop', "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).toBe('app');
    expect(
      await target.sql(
        'shop',
        "SELECT has_table_privilege('reporting', 'customers', 'SELECT'), has_table_privilege('reporting', 'orders', 'SELECT')",
      ),
    ).toBe('t|f');
    expect(await target.sql('postgres', "SELECT pg_has_role('app', 'reporting', 'MEMBER')")).toBe('t');
    // --no-role-passwords: the roles come without their passwords.
    expect(await target.sql('postgres', "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'app'")).toBe('t');
    expect(await shadowDatabases(target, 'shop')).toEqual([]);
  }, 120_000);

  it('refuses a globals blob whose content does not match globals_sha256: no target, no shadow, no role applied', async () => {
    const dump = await latestDump();
    const globalsName = dump.name.replace(/\.dump$/, '.globals.sql');
    const client = azurite.container(CONTAINER).getBlockBlobClient(globalsName);
    const original = await azurite.download(CONTAINER, globalsName);
    const { metadata } = await client.getProperties();
    // Same length: one role renamed, which only the checksum can tell.
    const tampered = Buffer.from(original.toString('utf8').replace('CREATE ROLE reporting;', 'CREATE ROLE reportinx;'));
    expect(tampered.length).toBe(original.length);
    expect(tampered.equals(original)).toBe(false);
    await client.uploadData(tampered, { metadata });
    try {
      const pod = await runExpecting({ tools }, targetRestore('shop_tampered'), false, {
        secrets: secrets(TARGET_PASSWORD),
      });
      const restore = containerOutput(pod, 'restore');
      expect(restore).toMatch(
        /FAILED: checksum mismatch for the globals of postgres\/shop\/\d{8}T\d{6}Z\.dump: sha256 [0-9a-f]{64}, recorded at backup time/,
      );
      expect(restore).not.toMatch(/creating the shadow database|applying the globals/);
      expect(await target.databaseExists('shop_tampered')).toBe(false);
      expect(await shadowDatabases(target, 'shop_tampered')).toEqual([]);
      expect(await target.sql('postgres', "SELECT count(*) FROM pg_roles WHERE rolname = 'reportinx'")).toBe('0');
    } finally {
      await client.uploadData(original, { metadata });
    }
  }, 120_000);

  it('fails before creating anything when the dump has no globals, or the user is not a superuser', async () => {
    const old = `${PREFIX}20000101T000000Z.dump`;
    await copyWithoutGlobals((await latestDump()).name, old);
    try {
      const pod = await runExpecting({ tools }, targetRestore('shop_old', { dump: old }), false, {
        secrets: secrets(TARGET_PASSWORD),
      });
      expect(containerOutput(pod, 'restore')).toMatch(
        /FAILED: postgres\/shop\/20000101T000000Z\.dump has no globals \(it was written before BackupCronJob saved them\): nothing was restored/,
      );
      expect(containerOutput(pod, 'restore')).not.toMatch(/creating the shadow database/);
      expect(await target.databaseExists('shop_old')).toBe(false);
      expect(await shadowDatabases(target, 'shop_old')).toEqual([]);
      // Without applyGlobals, the same old dump restores (owners and grants need the roles: they exist now).
      await runExpecting(
        { tools, cluster: target },
        targetRestore('shop_old', { dump: old, applyGlobals: false, restoreOwnership: true }),
        true,
        {
          secrets: secrets(TARGET_PASSWORD),
        },
      );
      expect(await target.sql('shop_old', "SELECT tableowner FROM pg_tables WHERE tablename = 'reports'")).toBe(
        'reporting',
      );
    } finally {
      await azurite.container(CONTAINER).deleteBlob(old);
    }

    // The source's application role is no superuser.
    const denied = await runExpecting(
      { tools, cluster: target },
      restorePod(tools, source, azurite, {
        mode: { mode: 'newDatabase', database: 'shop_globals' },
        applyGlobals: true,
      }),
      false,
    );
    expect(containerOutput(denied, 'restore')).toMatch(
      /FAILED: applying the globals needs a superuser: app is not one on 127\.0\.0\.1/,
    );
    expect(await source.databaseExists('shop_globals')).toBe(false);
    expect(await shadowDatabases(source, 'shop_globals')).toEqual([]);
  }, 180_000);

  it('drills with the globals: a role that owns tables exists, and grants are restored', async () => {
    const owns = await runExpecting(
      { tools, cluster: target },
      drillPod(tools, source, azurite, { verificationQuery: OWNS_A_TABLE }),
      true,
    );
    expect(containerOutput(owns, 'drill')).toMatch(/applied the globals: 0 existing roles kept/);
    expect(containerOutput(owns, 'drill')).toMatch(/into the throwaway server, with its owners and privileges/);
    expect(containerOutput(owns, 'drill')).toMatch(/drill passed/);
    const grants = await runExpecting(
      { tools, cluster: target },
      drillPod(tools, source, azurite, {
        verificationQuery:
          "SELECT has_table_privilege('reporting', 'public.customers', 'SELECT') AND NOT has_table_privilege('reporting', 'public.orders', 'SELECT') AND pg_has_role('app', 'reporting', 'MEMBER')",
      }),
      true,
    );
    expect(containerOutput(grants, 'drill')).toMatch(/drill passed/);
  }, 180_000);

  it('drills a dump whose globals create a tablespace: tablespace statements skipped, its tables in the default one', async () => {
    const location = path.join(source.dir, 'fast');
    fs.mkdirSync(location);
    fs.chownSync(location, tools.uid, tools.gid);
    await source.sql('postgres', `CREATE TABLESPACE fast LOCATION '${location}'`);
    await source.sql('postgres', 'GRANT CREATE ON TABLESPACE fast TO reporting');
    await source.sql(
      'shop',
      'CREATE TABLE hot (id int) TABLESPACE fast; INSERT INTO hot SELECT generate_series(1, 3); ALTER TABLE hot OWNER TO reporting',
    );
    await runExpecting({ tools }, backupPod(tools, source, azurite), true);
    const globals = await ensureGlobals((await latestDump()).name);
    expect(globals.toString()).toMatch(/CREATE TABLESPACE fast/);
    const pod = await runExpecting(
      { tools, cluster: target },
      drillPod(tools, source, azurite, {
        verificationQuery:
          "SELECT count(*) = 3 FROM hot WHERE (SELECT tableowner = 'reporting' AND tablespace IS NULL FROM pg_tables WHERE tablename = 'hot')",
      }),
      true,
    );
    const drill = containerOutput(pod, 'drill');
    expect(drill).toMatch(/skipped \(no tablespaces in this server\): CREATE TABLESPACE fast/);
    expect(drill).toMatch(
      /skipped \(no tablespaces in this server\): GRANT ALL ON TABLESPACE fast TO reporting;[\s\S]*2 tablespace statements skipped/,
    );
    expect(drill).toMatch(/drill passed/);
  }, 180_000);

  it('drills an older dump without globals as before: no owners, no privileges, logged', async () => {
    const latest = `${PREFIX}99991231T235959Z.dump`;
    await copyWithoutGlobals((await latestDump()).name, latest);
    try {
      const pod = await runExpecting({ tools }, drillPod(tools, source, azurite), true);
      expect(containerOutput(pod, 'drill')).toMatch(
        /99991231T235959Z\.dump has no globals \(written before BackupCronJob saved them\): restoring it without owners and privileges/,
      );
      expect(containerOutput(pod, 'drill')).not.toMatch(/applying the globals/);
      // Everything belongs to the drill's own superuser then: no table is owned by reporting.
      const owners = await runExpecting(
        { tools, cluster: target },
        drillPod(tools, source, azurite, { verificationQuery: OWNS_A_TABLE }),
        false,
      );
      expect(containerOutput(owners, 'drill')).toMatch(/the verification query returned 'f' instead of true/);
    } finally {
      await azurite.container(CONTAINER).deleteBlob(latest);
    }
  }, 180_000);
});
