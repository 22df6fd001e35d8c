import { EnvVar } from 'cdk8s-plus-27/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue } from '../core/names';
import { checkInteger } from '../core/values';
import { IPostgresDatabase, PostgresConnection, SUPPORTED_POSTGRES_MAJORS } from './connection';

/** A database to back up or restore into: a construct such as `PostgresSingleton`, or a plain connection to any PostgreSQL. */
export type PostgresDatabaseRef = IPostgresDatabase | PostgresConnection;

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$|^\[?[0-9a-fA-F:.]+\]?$/;
/** Database and user names: they become blob name segments and command-line values, so no quoting games. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** Checks a database or user name as the jobs use it (also a blob name segment). */
export function checkDatabaseName(scope: IConstruct | string, field: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    invalid(
      scope,
      field,
      name,
      "a PostgreSQL name of at most 63 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    );
  }
  return name;
}

/** Validates the connection of `ref`; `field` names the prop in errors. */
export function resolvePostgres(scope: IConstruct, field: string, ref: PostgresDatabaseRef): PostgresConnection {
  if (!ref || typeof ref !== 'object')
    invalid(scope, field, ref, 'a PostgresSingleton (or other IPostgresDatabase) or a PostgresConnection');
  const isConstruct = 'connection' in ref && typeof ref.connection === 'object';
  const c: PostgresConnection = isConstruct ? (ref as IPostgresDatabase).connection : (ref as PostgresConnection);
  const f = isConstruct ? `${field}.connection` : field;
  if (typeof c.host !== 'string' || !HOST.test(c.host))
    invalid(scope, `${f}.host`, c.host, 'a DNS name or an IP address');
  checkInteger(scope, `${f}.port`, c.port, 1, 65535);
  checkDatabaseName(scope, `${f}.database`, c.database);
  checkDatabaseName(scope, `${f}.user`, c.user);
  if (!c.passwordSecret || typeof c.passwordSecret !== 'object')
    invalid(scope, `${f}.passwordSecret`, c.passwordSecret, 'a Secret name and key');
  checkDnsSubdomain(scope, `${f}.passwordSecret.name`, c.passwordSecret.name);
  if (typeof c.passwordSecret.key !== 'string' || !SECRET_KEY.test(c.passwordSecret.key)) {
    invalid(scope, `${f}.passwordSecret.key`, c.passwordSecret.key, "a Secret key: letters, digits, '-', '_' or '.'");
  }
  checkDnsLabel(scope, `${f}.namespace`, c.namespace);
  if (!SUPPORTED_POSTGRES_MAJORS.includes(c.majorVersion as never)) {
    invalid(scope, `${f}.majorVersion`, c.majorVersion, `one of ${SUPPORTED_POSTGRES_MAJORS.join(', ')}`);
  }
  if (c.clientLabel !== undefined) {
    checkLabelKey(scope, `${f}.clientLabel.key`, c.clientLabel.key);
    checkLabelValue(scope, `${f}.clientLabel.value`, c.clientLabel.value);
  }
  return c;
}

/** libpq environment for a connection; the password comes from its Secret, never from the manifest. */
export function postgresEnv(c: PostgresConnection, applicationName: string): EnvVar[] {
  return [
    { name: 'PGHOST', value: c.host },
    { name: 'PGPORT', value: String(c.port) },
    { name: 'PGDATABASE', value: c.database },
    { name: 'PGUSER', value: c.user },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: c.passwordSecret.name, key: c.passwordSecret.key } } },
    { name: 'PGCONNECT_TIMEOUT', value: '30' },
    { name: 'PGAPPNAME', value: applicationName },
  ];
}

/** The label the server's NetworkPolicy admits, as a label map. */
export function clientLabels(c: PostgresConnection): Record<string, string> {
  return c.clientLabel ? { [c.clientLabel.key]: c.clientLabel.value } : {};
}
