/**
 * The CSV import Job of PostgresSingleton, run for real: its container's command and environment
 * are taken from the synthesized manifest and run against a throwaway local PostgreSQL, with the
 * ConfigMap's CSV projected as a file, as the kubelet would.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPostgresDatabase, PostgresBulkImport, PostgresConnection } from '../../../lib';
import { PostgresCluster } from '../../backup/e2e/support/postgres-cluster';
import { cleanUp, runPod } from '../../backup/e2e/support/run-pod';
import { requireE2eTools } from '../../backup/e2e/support/tools';
import { synthValid } from '../../support/validate-manifests';

const PASSWORD = 'e2e-import-password';
const tools = requireE2eTools();
let cluster: PostgresCluster;

/** A database reached at the local server, as a PostgresSingleton would expose it. */
class LocalDatabase extends Construct implements IPostgresDatabase {
  constructor(
    scope: Construct,
    id: string,
    public readonly connection: PostgresConnection,
  ) {
    super(scope, id);
  }
}

function importPod(table: string, csv: string, columns?: string[]) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'todo' });
  const database = new LocalDatabase(chart, 'db', {
    host: cluster.host,
    port: cluster.port,
    database: 'todo',
    user: 'todo',
    passwordSecret: { name: 'todo-db', key: 'password' },
    namespace: 'todo',
    majorVersion: tools.postgresMajor,
    clientLabel: { key: 'aks-stateful.io/postgres-client', value: 'todo' },
  });
  const imp = new PostgresBulkImport(chart, 'import', { database, table, csv, columns });
  const objects = synthValid(chart);
  const job = objects.find((o) => o.kind === 'Job');
  return { pod: job.spec.template.spec, configMaps: { [imp.configMap.name]: { 'data.csv': csv } } };
}

async function runImport(table: string, csv: string, columns?: string[]) {
  const { pod, configMaps } = importPod(table, csv, columns);
  const run = await runPod(pod, tools, { secrets: { 'todo-db/password': PASSWORD }, configMaps, timeoutMs: 60_000 });
  cleanUp(run);
  return run;
}

beforeAll(async () => {
  cluster = await PostgresCluster.start(tools);
  await cluster.sql('postgres', `CREATE ROLE todo LOGIN PASSWORD '${PASSWORD}'`);
  await cluster.sql('postgres', 'CREATE DATABASE todo OWNER todo');
  await cluster.sql(
    'todo',
    `SET ROLE todo;
    CREATE TABLE todos (id serial PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false);
    CREATE TABLE "order" (id serial PRIMARY KEY, "user" text, "order" int)`,
  );
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('PostgresBulkImport, run from its manifest against a real PostgreSQL', () => {
  it('loads the CSV once: a second run of the Job leaves the table as it was', async () => {
    const csv = 'title,done\nWrite the tutorial,true\nReplace it with a library,false\n';
    const first = await runImport('todos', csv, ['title', 'done']);
    expect(first.succeeded, first.log).toBe(true);
    expect(await cluster.sql('todo', 'SELECT count(*), count(*) FILTER (WHERE done) FROM todos')).toBe('2|1');
    const second = await runImport('todos', csv, ['title', 'done']);
    expect(second.succeeded, second.log).toBe(true);
    expect(second.log).toContain('already has rows: nothing imported');
    expect(await cluster.sql('todo', 'SELECT count(*) FROM todos')).toBe('2');
  });

  it('quotes reserved words used as table and column names', async () => {
    const run = await runImport('order', 'user,order\nalice,1\nbob,2\n', ['user', 'order']);
    expect(run.succeeded, run.log).toBe(true);
    expect(await cluster.sql('todo', 'SELECT string_agg("user", \',\' ORDER BY "order") FROM "order"')).toBe(
      'alice,bob',
    );
  });

  it('fails the Job, loading nothing, when a row does not fit the table', async () => {
    await cluster.sql('todo', 'SET ROLE todo; CREATE TABLE strict_todos (title text NOT NULL, done boolean NOT NULL)');
    const run = await runImport('strict_todos', 'title,done\nfine,true\nbroken,maybe\n');
    expect(run.succeeded).toBe(false);
    expect(run.log).toMatch(/invalid input syntax for type boolean: "maybe"/);
    expect(await cluster.sql('todo', 'SELECT count(*) FROM strict_todos')).toBe('0');
  });
});
