import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { StorageSize } from '../core/storage-size';
import { checkRecord } from '../core/types';

/** A PostgreSQL memory setting: a whole number with a unit PostgreSQL reads (`kB`, `MB`, `GB`, `TB`), e.g. "256MB". */
export type PostgresMemory = string;
/** A PostgreSQL time setting: a whole number with a unit PostgreSQL reads (`ms`, `s`, `min`, `h`, `d`), e.g. "30s". */
export type PostgresTime = string;

/**
 * The `postgresql.conf` parameters most often tuned, each checked before synthesis. Numbers may be
 * given as numbers or as text (config files pass text). Other parameters go in `extraSettings`.
 */
export interface PostgresServerSettings {
  /** Shared buffer cache; must stay below the memory limit. @default PostgreSQL's (128MB) */
  readonly shared_buffers?: PostgresMemory;
  /** Most concurrent connections (1–10000). @default PostgreSQL's (100) */
  readonly max_connections?: number | string;
  /** Memory of each sort or hash operation. @default PostgreSQL's (4MB) */
  readonly work_mem?: PostgresMemory;
  /** Memory of VACUUM, CREATE INDEX and the like. @default PostgreSQL's (64MB) */
  readonly maintenance_work_mem?: PostgresMemory;
  /** The planner's guess of the cache available to one query. @default PostgreSQL's (4GB) */
  readonly effective_cache_size?: PostgresMemory;
  /** WAL size that triggers a checkpoint. @default PostgreSQL's (1GB) */
  readonly max_wal_size?: PostgresMemory;
  /** WAL kept for reuse. @default PostgreSQL's (80MB) */
  readonly min_wal_size?: PostgresMemory;
  /** Longest time between checkpoints (30s–1d). @default PostgreSQL's (5min) */
  readonly checkpoint_timeout?: PostgresTime;
  /** The planner's cost of a random page read (Azure Premium SSD: about 1.1). @default PostgreSQL's (4) */
  readonly random_page_cost?: number | string;
  /** Concurrent disk I/O the server may issue (0–1000). @default PostgreSQL's (1) */
  readonly effective_io_concurrency?: number | string;
  /** Most background worker processes (0–262143). @default PostgreSQL's (8) */
  readonly max_worker_processes?: number | string;
  /** Most parallel workers of one query (0–1024). @default PostgreSQL's (2) */
  readonly max_parallel_workers_per_gather?: number | string;
  /** Abort statements running longer ("0" for never). @default PostgreSQL's (0) */
  readonly statement_timeout?: PostgresTime;
  /** End sessions idle inside a transaction for longer ("0" for never). @default PostgreSQL's (0) */
  readonly idle_in_transaction_session_timeout?: PostgresTime;
  /** Log statements slower than this ("-1" for none). @default PostgreSQL's (-1) */
  readonly log_min_duration_statement?: PostgresTime;
}

type Check = (value: string) => string | undefined;

const MEMORY = /^([1-9][0-9]*)(kB|MB|GB|TB)$/;
const MEMORY_FACTOR: Record<string, number> = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME = /^(0|-1|[1-9][0-9]*(ms|s|min|h|d))$/;
const TIME_SECONDS: Record<string, number> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 };

const memory: Check = (v) => (MEMORY.test(v) ? undefined : 'a whole number with a unit kB, MB, GB or TB, e.g. "256MB"');
const time: Check = (v) =>
  TIME.test(v) ? undefined : 'a whole number with a unit ms, s, min, h or d (e.g. "30s"), or 0';
const integer =
  (min: number, max: number): Check =>
  (v) =>
    /^-?[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `a whole number from ${min} to ${max}`;
const decimal =
  (min: number, max: number): Check =>
  (v) =>
    /^[0-9]+(\.[0-9]+)?$/.test(v) && Number(v) >= min && Number(v) <= max
      ? undefined
      : `a number from ${min} to ${max}`;
const timeWithin =
  (minSeconds: number, maxSeconds: number, allowed: string): Check =>
  (v) => {
    const m = /^([1-9][0-9]*)(ms|s|min|h|d)$/.exec(v);
    const seconds = m ? Number(m[1]) * TIME_SECONDS[m[2]] : NaN;
    return seconds >= minSeconds && seconds <= maxSeconds ? undefined : allowed;
  };

const KNOWN: Record<keyof PostgresServerSettings, Check> = {
  shared_buffers: memory,
  max_connections: integer(1, 10000),
  work_mem: memory,
  maintenance_work_mem: memory,
  effective_cache_size: memory,
  max_wal_size: memory,
  min_wal_size: memory,
  checkpoint_timeout: timeWithin(30, 86400, 'a time from 30s to 1d, e.g. "15min"'),
  random_page_cost: decimal(0, 1000),
  effective_io_concurrency: integer(0, 1000),
  max_worker_processes: integer(0, 262143),
  max_parallel_workers_per_gather: integer(0, 1024),
  statement_timeout: time,
  idle_in_transaction_session_timeout: time,
  log_min_duration_statement: time,
};

/** Parameters the construct sets or relies on: changing them would break its mounts, probes or Services. */
export const OWNED_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  data_directory: 'the construct sets PGDATA on its data disk',
  config_file: 'the image keeps postgresql.conf in the data directory',
  hba_file: 'the image keeps pg_hba.conf in the data directory',
  ident_file: 'the image keeps pg_ident.conf in the data directory',
  external_pid_file: 'the root filesystem is read-only',
  listen_addresses: 'the Services reach the server on every address of the pod',
  port: 'the Services, the NetworkPolicy and clients use 5432',
  unix_socket_directories: 'the probes use the socket in /var/run/postgresql',
};

const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** Resolved settings as name → text, in the order given: rendered as `-c name=value` arguments. */
export function resolvePostgresSettings(
  scope: IConstruct,
  settings: PostgresServerSettings | undefined,
  extraSettings: Record<string, string> | undefined,
  memoryLimit: StorageSize,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  // Plain records only: a string or a Date would be read key by key, or as nothing at all.
  if (settings !== undefined) checkRecord(scope, 'settings', settings);
  if (extraSettings !== undefined) checkRecord(scope, 'extraSettings', extraSettings);
  for (const [name, raw] of Object.entries(settings ?? {})) {
    if (raw === undefined) continue;
    const field = `settings.${name}`;
    const check = KNOWN[name as keyof PostgresServerSettings];
    if (!check) {
      if (OWNED_POSTGRES_SETTINGS[name]) invalid(scope, field, raw, `unset: ${OWNED_POSTGRES_SETTINGS[name]}`);
      invalid(scope, field, raw, `one of ${Object.keys(KNOWN).join(', ')}; put other parameters in extraSettings`);
    }
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    const problem = typeof value === 'string' ? check(value) : 'a number or text';
    if (problem) invalid(scope, field, raw, problem);
    resolved[name] = value as string;
  }
  const shared = resolved.shared_buffers && MEMORY.exec(resolved.shared_buffers);
  if (shared && Number(shared[1]) * MEMORY_FACTOR[shared[2]] >= memoryLimit.toBytes()) {
    invalid(
      scope,
      'settings.shared_buffers',
      resolved.shared_buffers,
      `less than the memory limit (${memoryLimit}): the server would be killed for exceeding it`,
    );
  }
  for (const [name, value] of Object.entries(extraSettings ?? {})) {
    const field = `extraSettings[${JSON.stringify(name)}]`;
    if (!SETTING_NAME.test(name))
      invalid(
        scope,
        'extraSettings key',
        name,
        'a postgresql.conf parameter name (lowercase letters, digits, _ and one .)',
      );
    if (OWNED_POSTGRES_SETTINGS[name]) invalid(scope, field, value, `unset: ${OWNED_POSTGRES_SETTINGS[name]}`);
    if (name in KNOWN) invalid(scope, field, value, `unset: set settings.${name}, which is checked`);
    if (typeof value !== 'string' || value.length === 0 || /[\n\r\0]/.test(value))
      invalid(scope, field, value, 'a non-empty single-line string');
    resolved[name] = value;
  }
  return resolved;
}
