import { EnvVar } from '../core/kube-objects';
import { isIP } from 'node:net';
import { Construct, IConstruct } from 'constructs';
import { checkPort, checkRecord, checkString } from '../core/types';
import { checkDataKey } from '../core/names';
import { invalid } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue } from '../core/names';
import { IPostgresDatabase, PostgresConnection, SUPPORTED_POSTGRES_MAJORS } from './connection';

/** A database to back up or restore into: a construct such as `PostgresSingleton`, or a plain connection to any PostgreSQL. */
export type PostgresDatabaseRef = IPostgresDatabase | PostgresConnection;

/** A DNS name: labels of letters, digits and inner '-', at most 63 each and 253 in all. */
const DNS_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
/** Database and user names: they become blob name segments and command-line values, so no quoting games. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/**
 * Checks a database host as libpq takes it in PGHOST: a DNS name, an IPv4 address or an IPv6
 * address without brackets (libpq takes none). Anything else — `.....`, `[db]`, a socket directory,
 * a comma-separated list — would be read by libpq as something else than one server.
 */
export function checkDatabaseHost(scope: IConstruct | string, field: string, host: string): string {
  // The DNS name first: most hosts are one, and Node's isIP compiles its IPv6 pattern on its first
  // call (about 3 ms, a tenth of building a one-team app).
  const ok =
    typeof host === 'string' &&
    // A name whose last label is all digits is an (invalid) address, not a DNS name.
    ((DNS_NAME.test(host) && !/(^|\.)[0-9]+$/.test(host)) || isIP(host) !== 0);
  if (!ok) {
    invalid(
      scope,
      field,
      host,
      'a DNS name (e.g. db.data.svc.cluster.local), an IPv4 address or an IPv6 address without brackets',
    );
  }
  return host;
}

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
  const allowed = 'a PostgresSingleton (or other IPostgresDatabase) or a PostgresConnection';
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) invalid(scope, field, ref, allowed);
  // A construct (PostgresSingleton, one from another copy of constructs, or a JavaScript object with a
  // `connection`) carries its connection; a plain record with a host is the connection itself.
  const isConstruct = ref instanceof Construct || ('connection' in ref && !('host' in ref));
  if (isConstruct && !('connection' in ref)) invalid(scope, field, ref, allowed);
  const f = isConstruct ? `${field}.connection` : field;
  const c = checkRecord(
    scope,
    f,
    isConstruct ? (ref as IPostgresDatabase).connection : ref,
  ) as unknown as PostgresConnection;
  checkDatabaseHost(scope, `${f}.host`, c.host);
  checkPort(scope, `${f}.port`, c.port);
  checkDatabaseName(scope, `${f}.database`, c.database);
  checkDatabaseName(scope, `${f}.user`, c.user);
  checkRecord(scope, `${f}.passwordSecret`, c.passwordSecret);
  checkDnsSubdomain(scope, `${f}.passwordSecret.name`, c.passwordSecret.name);
  checkDataKey(scope, `${f}.passwordSecret.key`, c.passwordSecret.key);
  checkDnsLabel(scope, `${f}.namespace`, c.namespace);
  if (!SUPPORTED_POSTGRES_MAJORS.includes(c.majorVersion as never)) {
    invalid(scope, `${f}.majorVersion`, c.majorVersion, `one of ${SUPPORTED_POSTGRES_MAJORS.join(', ')}`);
  }
  if (c.clientLabel !== undefined) {
    checkRecord(scope, `${f}.clientLabel`, c.clientLabel);
    // checkLabelKey reads the key as text: anything else is refused first, by name.
    checkString(scope, `${f}.clientLabel.key`, c.clientLabel.key);
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
