/**
 * The backup benchmark's database: pgbench tables (they compress well) plus a table of random
 * base64 text stored uncompressed (deflate gains only base64's 25 % on it), about half each at the
 * default size.
 */
import * as path from 'node:path';
import { PostgresCluster } from '../../test/backup/e2e/support/postgres-cluster';
import { run } from '../../test/backup/e2e/support/processes';
import { E2eTools } from '../../test/backup/e2e/support/tools';

const MIB = 1024 * 1024;

/** Creates role `app` and database `shop` of pgbench scale `scale` plus `textMib` MiB of text; returns its size in bytes. */
export async function buildDatabase(
  tools: E2eTools,
  cluster: PostgresCluster,
  password: string,
  scale: number,
  textMib: number,
  log: (message: string) => void,
): Promise<number> {
  await cluster.sql('postgres', `CREATE ROLE app LOGIN CREATEDB PASSWORD '${password}'`);
  await cluster.sql('postgres', 'CREATE DATABASE shop OWNER app');
  log(`pgbench --initialize --scale ${scale}`);
  const pgbench = await run(
    path.join(tools.postgresBin, 'pgbench'),
    [
      '--initialize',
      '--scale',
      String(scale),
      '--quiet',
      '--host',
      cluster.host,
      '--port',
      String(cluster.port),
      '--username',
      'app',
      'shop',
    ],
    { env: { PGPASSWORD: password }, timeoutMs: 3600_000 },
  );
  if (pgbench.code !== 0) throw new Error(`pgbench failed:\n${pgbench.output}`);
  log(`${textMib} MiB of random base64 text`);
  // 4 KiB rows: 3 KiB of random bytes each (192 md5 digests), base64-encoded without line breaks;
  // STORAGE EXTERNAL: TOAST does not compress them either.
  const rows = Math.round((textMib * MIB) / 4096);
  await cluster.sql(
    'shop',
    `SET ROLE app;
    CREATE TABLE documents (id int PRIMARY KEY, body text NOT NULL);
    ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
    INSERT INTO documents
      SELECT g, translate(encode(decode(string_agg(md5(random()::text), ''), 'hex'), 'base64'), E'\\n', '')
      FROM generate_series(1, ${rows}) g, generate_series(1, 192) part GROUP BY g;`,
  );
  await cluster.sql('shop', 'VACUUM ANALYZE');
  return Number(await cluster.sql('shop', 'SELECT pg_database_size(current_database())'));
}
