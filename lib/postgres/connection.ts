import { IConstruct } from 'constructs';

/** A Secret key holding a value (a password), referenced by name only. */
export interface SecretKeyRef {
  /** Secret name, in the database's namespace. */
  readonly name: string;
  /** Key inside the Secret: at most 253 of `[-._a-zA-Z0-9]`, not `.` or `..`. */
  readonly key: string;
}

/**
 * How clients reach a PostgreSQL server: everything a backup or restore job needs, and nothing
 * secret (the password stays in its Secret).
 */
export interface PostgresConnection {
  /**
   * Host clients connect to: a DNS name (e.g. `db.data.svc.cluster.local`), an IPv4 address or an
   * IPv6 address without brackets (it goes to libpq's PGHOST as it is).
   */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /**
   * Database name: at most 63 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`. Never
   * part of SQL text: it reaches the tools as libpq environment (PGDATABASE) or an argument after `--`.
   */
  readonly database: string;
  /** User name: the same rule as `database`; it reaches libpq as PGUSER, never inside SQL text. */
  readonly user: string;
  /** The Secret key holding the user's password. */
  readonly passwordSecret: SecretKeyRef;
  /** Namespace of the server and its Secret; jobs that read the Secret must run there. */
  readonly namespace: string;
  /** Server major version (e.g. 17): clients must not be older. */
  readonly majorVersion: number;
  /** Label a pod must carry for the server's NetworkPolicy to admit it; undefined when none. */
  readonly clientLabel?: { readonly key: string; readonly value: string };
}

/** A construct that runs a PostgreSQL server (e.g. `PostgresSingleton`). */
export interface IPostgresDatabase extends IConstruct {
  /** How to reach it. */
  readonly connection: PostgresConnection;
}

/** PostgreSQL majors whose official images this library supports. */
export const SUPPORTED_POSTGRES_MAJORS = [14, 15, 16, 17, 18] as const;

/** A supported PostgreSQL major version. */
export type PostgresMajorVersion = (typeof SUPPORTED_POSTGRES_MAJORS)[number];
