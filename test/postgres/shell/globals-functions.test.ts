/**
 * apply_globals (functions/globals.sh) and verify_file (functions/stream.sh), sourced into bash and
 * run against a real PostgreSQL cluster (the one the end-to-end tests start): which errors of a
 * pg_dumpall --globals-only file are accepted and which fail the restore.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCluster } from '../../backup/e2e/support/postgres-cluster';
import { E2eTools, requireE2eTools } from '../../backup/e2e/support/tools';
import { ShellResult, runFunctions } from './run-functions';

let tools: E2eTools;
let cluster: PostgresCluster;
let dir: string;

beforeAll(async () => {
  tools = requireE2eTools();
  cluster = await PostgresCluster.start(tools);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-globals-'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Writes `sql` to a file and applies it as the cluster's superuser, over its socket. */
function apply(sql: string, mode = ''): ShellResult {
  const file = path.join(dir, `globals-${Math.random().toString(36).slice(2)}.sql`);
  fs.writeFileSync(file, sql);
  return runFunctions(['common', 'globals'], `begin_script\napply_globals "$FILE" postgres ${mode}\necho applied`, {
    env: {
      PATH: `${tools.postgresBin}:${process.env.PATH}`,
      FILE: file,
      PGHOST: cluster.dir,
      PGPORT: String(cluster.port),
      PGUSER: 'postgres',
    },
  });
}

const ROLES = `SET client_encoding = 'UTF8';
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
CREATE ROLE reporting;
ALTER ROLE reporting WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
ALTER ROLE reporting SET work_mem TO '8MB';
`;

describe('apply_globals', () => {
  it('accepts 42710 (a role that exists) and applies the rest: new roles, attributes and settings', async () => {
    const first = apply(ROLES);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('applied\n');
    expect(first.stderr).toContain('applied the globals: 1 existing roles kept');
    expect(await cluster.sql('postgres', "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reporting'")).toBe('f');
    expect(
      await cluster.sql(
        'postgres',
        "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'reporting'::regrole",
      ),
    ).toBe('work_mem=8MB');
    // Again: now both roles exist, and both duplicates are accepted.
    const again = apply(ROLES);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('applied the globals: 2 existing roles kept');
  });

  it('fails on any other error, naming its SQLSTATE, message and statement, after running the whole file', async () => {
    const r = apply(`CREATE ROLE postgres;
GRANT no_such_role TO reporting GRANTED BY postgres;
CREATE ROLE applied_after_the_error;
`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /FAILED: applying the globals failed: 42704: role "no_such_role" does not exist \(in: GRANT no_such_role TO reporting GRANTED BY postgres;\)/,
    );
    expect(r.stderr).not.toContain('role "postgres" already exists');
    expect(
      await cluster.sql('postgres', "SELECT count(*) FROM pg_roles WHERE rolname = 'applied_after_the_error'"),
    ).toBe('1');
  });

  it('names every refused error, not only the first', () => {
    const r = apply(`CREATE ROLE "x"; SELECT 1/0;
ALTER ROLE nobody_here WITH LOGIN;
`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/22012: division by zero \(in: SELECT 1\/0;\); 42704: role "nobody_here" does not exist/);
  });

  it('refuses a tablespace it cannot create, unless told to skip tablespace statements (the drill)', async () => {
    const sql = `CREATE TABLESPACE fast OWNER postgres LOCATION '/nonexistent/aks-stateful/fast';
GRANT CREATE ON TABLESPACE fast TO reporting;
COMMENT ON TABLESPACE fast IS 'ssd';
CREATE ROLE after_tablespaces;
`;
    const refused = apply(sql);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /applying the globals failed: 58P01: directory "\/nonexistent\/aks-stateful\/fast" does not exist \(in: CREATE TABLESPACE fast/,
    );
    const skipped = apply(sql, 'skip-tablespaces');
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain(
      'skipped (no tablespaces in this server): GRANT CREATE ON TABLESPACE fast TO reporting;',
    );
    expect(skipped.stderr).toContain('3 tablespace statements skipped');
    // Skipping is for tablespace statements only.
    const other = apply(`${sql}GRANT no_such_role TO reporting;\n`, 'skip-tablespaces');
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/applying the globals failed: 42704: role "no_such_role" does not exist/);
  });

  it('fails when psql cannot connect', () => {
    const file = path.join(dir, 'unreachable.sql');
    fs.writeFileSync(file, ROLES);
    const r = runFunctions(['common', 'globals'], 'begin_script\napply_globals "$FILE" postgres\necho applied', {
      env: {
        PATH: `${tools.postgresBin}:${process.env.PATH}`,
        FILE: file,
        PGHOST: cluster.dir,
        PGPORT: '1',
        PGUSER: 'postgres',
      },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: psql could not apply the globals \(exit 2\): .*No such file or directory/s);
  });
});

describe('verify_file', () => {
  const content = Buffer.from('CREATE ROLE reporting;\n');
  const sha = createHash('sha256').update(content).digest('hex');
  function verify(size: number, expected: string): ShellResult {
    const file = path.join(dir, 'verify.sql');
    fs.writeFileSync(file, content);
    return runFunctions(
      ['common', 'stream'],
      `begin_script\nverify_file "$FILE" ${size} ${expected} 'the globals'\necho ok`,
      {
        env: { FILE: file },
      },
    );
  }

  it('passes a file of the recorded size and SHA-256', () => {
    const r = verify(content.length, sha);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('ok\n');
    expect(r.stderr).toContain(`verified the globals: ${content.length} bytes, sha256 ${sha}`);
  });

  it('fails on another size or checksum, or a missing file', () => {
    expect(verify(content.length + 1, sha).stderr).toContain(
      `FAILED: size mismatch for the globals: ${content.length} bytes, the blob records ${content.length + 1}`,
    );
    const wrong = verify(content.length, 'f'.repeat(64));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(
      `FAILED: checksum mismatch for the globals: sha256 ${sha}, recorded at backup time ${'f'.repeat(64)}`,
    );
    const missing = runFunctions(['common', 'stream'], `begin_script\nverify_file /nonexistent 1 ${sha} 'the globals'`);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('FAILED: the globals is missing from the scratch volume');
  });
});
