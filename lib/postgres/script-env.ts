/**
 * What each container script reads from its environment: the contract between the constructs that
 * write a container's `env` and the script that reads it. test/postgres/script-env.test.ts checks
 * each list against the script's text (every variable the script reads is listed, nothing else) and
 * against the synthesized containers (every required variable is set; nothing unlisted is), so a
 * variable renamed on one side only fails a test instead of a Job in the cluster.
 */
export interface ScriptEnv {
  /** Read by the script and set in every container that runs it. */
  readonly required: readonly string[];
  /** Read by the script when present (a mode, an auth method, or what the workload identity webhook injects). */
  readonly optional: readonly string[];
  /** Set in the container for the programs the script runs (libpq, az), never read by the script itself. */
  readonly programs: readonly string[];
}

const AZURE_LOGIN = {
  required: ['AZURE_CONFIG_DIR', 'AZURE_STORAGE_ACCOUNT', 'BLOB_CONTAINER', 'AUTH_MODE'],
  // The account key (storageAccountKey), the emulator/sovereign endpoint, the az version of the
  // image tag; AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE come from the webhook.
  optional: [
    'AZURE_CLI_VERSION',
    'BLOB_ENDPOINT',
    'AZURE_STORAGE_KEY',
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_FEDERATED_TOKEN_FILE',
  ],
  programs: ['HOME', 'AZURE_CORE_COLLECT_TELEMETRY'],
} as const;

const LIBPQ = {
  required: ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD'],
  programs: ['HOME', 'PGCONNECT_TIMEOUT', 'PGAPPNAME'],
} as const;

/** The environment contract of every script, by script name (lib/postgres/shell/<name>.sh). */
export const SCRIPT_ENV = {
  dump: {
    // DUMP_COMPRESSION: BackupCronJob's `compression` prop, mapped to pg_dump's --compress.
    required: ['SCRATCH_DIR', 'BLOB_DIR', 'DUMP_COMPRESSION', ...LIBPQ.required],
    optional: [],
    programs: LIBPQ.programs,
  },
  upload: {
    required: ['SCRATCH_DIR', 'DUMP_WAIT_SECONDS', 'CONTAINER_IMAGE', ...AZURE_LOGIN.required],
    // BLOCK_MIB: the staged block size, 16 MiB unless a test sets a smaller one to get many blocks.
    optional: ['BLOCK_MIB', ...AZURE_LOGIN.optional],
    programs: AZURE_LOGIN.programs,
  },
  fetch: {
    required: ['SCRATCH_DIR', 'DUMP_PREFIX', 'RESTORE_WAIT_SECONDS', 'CONTAINER_IMAGE', ...AZURE_LOGIN.required],
    // A named dump; download it to a file (parallel restore); download its globals too.
    optional: ['BACKUP_BLOB', 'FETCH_TO_FILE', 'FETCH_GLOBALS', ...AZURE_LOGIN.optional],
    programs: AZURE_LOGIN.programs,
  },
  restore: {
    required: ['SCRATCH_DIR', 'FETCH_WAIT_SECONDS', 'RESTORE_MODE', 'RESTORE_JOBS', 'APPLY_GLOBALS', ...LIBPQ.required],
    optional: ['RESTORE_DATABASE', 'RESTORE_OWNERSHIP'],
    programs: LIBPQ.programs,
  },
  drill: {
    required: ['SCRATCH_DIR', 'FETCH_WAIT_SECONDS', 'DRILL_DATABASE', 'DRILL_QUERY'],
    optional: [],
    programs: ['HOME'],
  },
} as const satisfies Record<string, ScriptEnv>;

/** A script's name. */
export type ScriptName = keyof typeof SCRIPT_ENV;
