/** Shared fixtures of the backup unit tests. */
import { App, Chart, Testing } from 'cdk8s';
import { expect } from 'vitest';
import { BackupStorage, PostgresConnection } from '../../lib';
import { synthValid } from '../support/validate-manifests';
export { rejected } from '../support/expectations';

/** A PostgreSQL 15 server that is not a PostgresSingleton, in namespace `data`, with a NetworkPolicy label. */
export const CONNECTION: PostgresConnection = {
  host: 'orders-db.data.svc.cluster.local',
  port: 5432,
  database: 'orders',
  user: 'orders_app',
  passwordSecret: { name: 'orders-db', key: 'password' },
  namespace: 'data',
  majorVersion: 15,
  clientLabel: { key: 'example.com/orders-db-client', value: 'true' },
};

export const STORAGE: BackupStorage = { storageAccount: 'backups01', container: 'pg-dumps' };

export const CLIENT_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** A chart at path `test` whose namespace differs from the database's, to prove objects follow the database. */
export function testChart(app: App = Testing.app()): Chart {
  return new Chart(app, 'test', { namespace: 'apps' });
}

/** Synthesizes and validates the chart; returns its objects by kind. */
export function synthByKind(chart: Chart): { objects: any[]; only: (kind: string) => any } {
  const objects = synthValid(chart);
  return {
    objects,
    only: (kind: string) => {
      const found = objects.filter((o) => o.kind === kind);
      expect(found, `one ${kind}`).toHaveLength(1);
      return found[0];
    },
  };
}

/** The pod spec of a CronJob or Job. */
export function podOf(object: any): any {
  return object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec;
}

/** A container's env as a name → value-or-source map. */
export function envOf(container: any): Record<string, unknown> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/**
 * Everything in the manifests that looks like a credential: a Secret object, a string like an
 * account key or connection string, or a password/key/token environment variable with a literal value.
 */
export function leakedCredentials(value: unknown): string[] {
  if (typeof value === 'string') return /AccountKey=|^[A-Za-z0-9+/]{40,}={0,2}$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(leakedCredentials);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const found: string[] = [];
    if (record.kind === 'Secret') found.push('a Secret object');
    if (typeof record.name === 'string' && /PASSWORD|_KEY$|TOKEN|SECRET/i.test(record.name) && 'value' in record) {
      found.push(`env ${record.name} = ${JSON.stringify(record.value)}`);
    }
    return [...found, ...Object.values(record).flatMap(leakedCredentials)];
  }
  return [];
}
