/**
 * What every end-to-end test shares: the source database and its data, the constructs built
 * against the local PostgreSQL and Azurite, and the pod specs taken from their synthesized manifests.
 */
import { Chart, Testing } from 'cdk8s';
import {
  BackupCronJob,
  BackupCronJobProps,
  BackupStorage,
  PostgresConnection,
  PostgresRestoreDrill,
  PostgresRestoreDrillOptions,
  PostgresRestoreJob,
  PostgresRestoreJobOptions,
} from '../../../../lib';
import { synthValid } from '../../../support/validate-manifests';
import { Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './azurite';
import { PostgresCluster } from './postgres-cluster';
import { E2eTools } from './tools';

export const NAMESPACE = 'data';
export const CONTAINER = 'dumps';
export const PASSWORD_SECRET = { name: 'shop-db', key: 'password' };
export const APP_PASSWORD = 'e2e-app-password';

/** The Secret values the kubelet would inject: the database password and the (public) Azurite dev key. */
export function secrets(password = APP_PASSWORD): Record<string, string> {
  return {
    [`${PASSWORD_SECRET.name}/${PASSWORD_SECRET.key}`]: password,
    [`azure-storage-${DEV_ACCOUNT}/azurestorageaccountkey`]: DEV_ACCOUNT_KEY,
  };
}

/** Creates the application role and a database with related tables, a view, a sequence, an index and a large object. */
export async function seedShop(cluster: PostgresCluster, database = 'shop', orders = 20_000): Promise<void> {
  await cluster.sql(
    'postgres',
    `DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN CREATE ROLE app LOGIN CREATEDB PASSWORD '${APP_PASSWORD}'; END IF;
    END $$`,
  );
  await cluster.sql('postgres', `CREATE DATABASE ${database} OWNER app`);
  await cluster.sql(
    database,
    `SET ROLE app;
    CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE);
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total numeric(10,2), placed_at timestamptz DEFAULT now(), note text);
    CREATE INDEX orders_customer ON orders (customer_id);
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 900;
    INSERT INTO customers (name, email) SELECT 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 1000) g;
    INSERT INTO orders (customer_id, total, note) SELECT 1 + g % 1000, (g % 1000) + 0.99, md5(g::text) FROM generate_series(1, ${orders}) g;
    -- A row that reads like the end of a transaction, and a large object: pg_restore's SQL wraps
    -- large objects in their own BEGIN/COMMIT unless it writes one transaction.
    INSERT INTO orders (customer_id, total, note) VALUES (1, 0.01, 'COMMIT;');
    SELECT lo_from_bytea(0, convert_to('a large object', 'UTF8'));`,
  );
}

/** The source database as a plain connection (what a non-PostgresSingleton server offers). */
export function connection(cluster: PostgresCluster, overrides: Partial<PostgresConnection> = {}): PostgresConnection {
  return {
    host: cluster.host,
    port: cluster.port,
    database: 'shop',
    user: 'app',
    passwordSecret: PASSWORD_SECRET,
    namespace: NAMESPACE,
    majorVersion: 15,
    ...overrides,
  };
}

/** The azure-cli image whose az is the one on this machine. */
export function azureCliImage(tools: E2eTools): string {
  return `mcr.microsoft.com/azure-cli:${tools.azVersion}`;
}

export function storage(azurite: Azurite): BackupStorage {
  return { storageAccount: DEV_ACCOUNT, container: CONTAINER, blobEndpoint: azurite.endpoint };
}

/** The pod spec of a synthesized CronJob or Job, after validating every object of the chart. */
function podSpecOf(chart: Chart, kind: 'CronJob' | 'Job'): any {
  const objects = synthValid(chart).filter((o) => o.kind === kind);
  if (objects.length !== 1) throw new Error(`expected one ${kind}, found ${objects.length}`);
  return kind === 'CronJob' ? objects[0].spec.jobTemplate.spec.template.spec : objects[0].spec.template.spec;
}

function chart(): Chart {
  return new Chart(Testing.app(), 'e2e', { namespace: NAMESPACE });
}

/** The backup pod, from a synthesized BackupCronJob. */
export function backupPod(
  tools: E2eTools,
  cluster: PostgresCluster,
  azurite: Azurite,
  props: Partial<BackupCronJobProps> = {},
): any {
  const c = chart();
  new BackupCronJob(c, 'backup', {
    database: connection(cluster, { majorVersion: tools.postgresMajor as 15 }),
    storage: storage(azurite),
    azureCliImage: azureCliImage(tools),
    ...props,
  });
  return podSpecOf(c, 'CronJob');
}

/** The restore pod, from a synthesized PostgresRestoreJob. */
export function restorePod(
  tools: E2eTools,
  cluster: PostgresCluster,
  azurite: Azurite,
  options: PostgresRestoreJobOptions,
): any {
  const c = chart();
  new PostgresRestoreJob(c, 'restore', {
    sourceDatabase: 'shop',
    azureCliImage: azureCliImage(tools),
    ...options,
    database: options.database ?? connection(cluster, { majorVersion: tools.postgresMajor as 15 }),
    storage: storage(azurite),
  });
  return podSpecOf(c, 'Job');
}

/** The drill pod, from a synthesized PostgresRestoreDrill. */
export function drillPod(
  tools: E2eTools,
  cluster: PostgresCluster,
  azurite: Azurite,
  options: PostgresRestoreDrillOptions = {},
): any {
  const c = chart();
  new PostgresRestoreDrill(c, 'drill', {
    database: connection(cluster, { majorVersion: tools.postgresMajor as 15 }),
    storage: storage(azurite),
    azureCliImage: azureCliImage(tools),
    ...options,
  });
  return podSpecOf(c, 'CronJob');
}
