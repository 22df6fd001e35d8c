/**
 * Backup and restore benchmark (`npm run bench:backup`; add `-- --update-docs` to rewrite the
 * figures in docs/benchmarks.md). Builds a ~1.2 GB database (pgbench data plus a table of
 * incompressible text) in a throwaway local PostgreSQL, then measures in one run, each round:
 *   for each compression (default, gzip:1, none; `--variants` to choose):
 *     1. the ceiling, `pg_dump -Fc` with the same compression into /dev/null;
 *     2. the backup: BackupCronJob's pod, taken from its manifest (dump and upload side by side,
 *        blocks staged into Azurite while pg_dump runs); for the default compression, also the
 *        same pod with the upload's stream read by a hashing copy into /dev/null (no storage);
 *   then, for the default compression's blob:
 *     3. the restore: PostgresRestoreJob's pod into a new database (fetch streams into pg_restore);
 *     4. the download alone: fetch.sh's curl download (through the SAS it signs) into /dev/null;
 *     5. the local restore alone: `pg_restore --dbname` of a local copy, with the restore's options;
 *     6. the restore's parts: that copy through a pipe, through the fetch's hashing copy, the
 *        download piped straight into pg_restore, and the pod's data path as one command;
 * (3. to 6. after an unmeasured local restore, which takes the place right after the backups that
 * costs whichever step runs there; then in that order in odd rounds, in the reverse order in even
 * ones), with the CPU share and seconds, the peak memory of each container's process tree and the
 * peak size of the pods' scratch folders. Each measurement runs on a freshly restarted server
 * after a `sync` (empty shared buffers, nothing left to write from the step before), `--rounds`
 * times (default 3), and the fastest counts. Options: `--scale <pgbench scale>` (default 34),
 * `--text-mib <MiB of random text>` (default 480), `--variants default,gzip:1,none`.
 * Needs what the end-to-end tests need: scripts/install-system-deps.sh and `npm ci`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Azurite } from '../test/backup/e2e/support/azurite';
import { APP_PASSWORD, CONTAINER, backupPod, restorePod, secrets, storage } from '../test/backup/e2e/support/fixture';
import { PostgresCluster } from '../test/backup/e2e/support/postgres-cluster';
import { ownedTempDir } from '../test/backup/e2e/support/processes';
import { requireE2eTools } from '../test/backup/e2e/support/tools';
import { BACKUP_MARKERS, BackupSample, RESTORE_MARKERS, Round, report, writeFigures } from './bench/backup-report';
import {
  BenchContext,
  Measurement,
  PodMeasurement,
  backupWithoutStorage,
  clientEnv,
  downloadAlone,
  azuritePid,
  timedBash,
  timedPod,
} from './bench/backup-steps';
import { CompressionVariant, selectVariants } from './bench/compression';
import { buildDatabase } from './bench/database';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const number = (name: string, fallback: number): number => {
  const value = option(name);
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`--${name} takes a positive integer, not ${value}`);
  return Number(value);
};
/** pgbench scale: 100,000 accounts (about 15 MB with indexes) per unit. */
const SCALE = number('scale', 34);
/** MiB of random base64 text (deflate gains little on it). */
const TEXT_MIB = number('text-mib', 480);
/** Each measurement is repeated; the fastest counts (single runs on a small machine are noisy). */
const ROUNDS = number('rounds', 3);
const VARIANTS = selectVariants(option('variants'));
const UPDATE_DOCS = args.includes('--update-docs');
const DOCS = path.resolve(__dirname, '../docs/benchmarks.md');
const MIB = 1024 * 1024;
/** The restore's options (restore.sh without restoreOwnership, and stream_restore's own), less --dbname. */
const RESTORE_OPTIONS = '--no-owner --no-privileges --exit-on-error --no-password';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

/** Azurite is a Node process: a first large upload also warms its JIT, which Azure Storage does not need. */
async function warmUp(azurite: Azurite): Promise<void> {
  const client = azurite.container(CONTAINER).getBlockBlobClient('warm-up');
  await client.uploadData(Buffer.alloc(64 * MIB, 7));
  await client.downloadToBuffer();
  await client.delete();
}

/** One backup of one compression: the ceiling, then the pod; the blob it committed is checked and kept. */
async function backupRound(
  ctx: BenchContext,
  variant: CompressionVariant,
  round: number,
): Promise<BackupSample & { blob: string }> {
  const { tools, cluster, azurite } = ctx;
  const flags = variant.pgDumpFlags ? ` ${variant.pgDumpFlags}` : '';
  log(`round ${round} [${variant.label}]: ceiling, pg_dump -Fc${flags} > /dev/null`);
  const ceiling = await timedBash(
    ctx,
    `pg_dump -Fc${flags} > /dev/null`,
    `pg_dump --format=custom --no-password${flags} > /dev/null`,
    clientEnv(ctx, 'shop', APP_PASSWORD),
  );
  log(`round ${round} [${variant.label}]: backup, the BackupCronJob pod`);
  const spec = backupPod(tools, cluster, azurite, {
    ...variant.props,
    storage: { ...storage(azurite), prefix: variant.prefix },
  });
  const backup = await timedPod(ctx, 'backup', spec, BACKUP_MARKERS);
  let withoutStorage: BackupSample['withoutStorage'];
  if (variant.label === 'default') {
    log(`round ${round} [${variant.label}]: the backup without the storage (its stream into a hashing copy)`);
    withoutStorage = await timedPod(ctx, 'backup without storage', backupWithoutStorage(spec), BACKUP_MARKERS);
  }
  const stored = await azurite.list(CONTAINER, `${variant.prefix}/`);
  const blobs = stored.filter((b) => b.name.endsWith('.dump'));
  if (blobs.length !== 1) throw new Error(`expected one dump under ${variant.prefix}/, found ${blobs.length}`);
  const [blob] = blobs;
  // The globals beside it (a few KiB) are not needed by the restore.
  for (const other of stored) if (other !== blob) await azurite.container(CONTAINER).deleteBlob(other.name);
  const compression = blob.metadata.compression ?? '';
  // Proof that the backup measured is the compression asked for, not the default in disguise.
  if (compression !== variant.metadata)
    throw new Error(
      `the ${variant.label} backup's blob records compression '${compression}': BackupCronJob did not apply compression: '${variant.metadata}'`,
    );
  log(
    `round ${round} [${variant.label}]: ceiling ${(ceiling.ms / 1000).toFixed(1)} s, backup ${(backup.pod.ms / 1000).toFixed(1)} s, blob ${blob.size} bytes`,
  );
  return { ceiling, backup, withoutStorage, blobBytes: blob.size, compression, blob: blob.name };
}

/**
 * The restore of the default blob, the download alone, the local restore alone and the restore's
 * parts, each into a new database checked by row counts, after an unmeasured local restore that
 * takes the place right after the backups. Odd rounds run them in this order, even rounds in the
 * reverse one: the state of the machine drifts within a run (the same step up to 40 % slower in a
 * later round), and the fastest of the rounds counts, so no step always runs early or late.
 */
async function restoreRound(
  ctx: BenchContext,
  blob: string,
  round: number,
  work: string,
  source: Record<string, number>,
): Promise<Pick<Round, 'restore' | 'download' | 'local' | 'parts'>> {
  const { tools, cluster, azurite } = ctx;
  const check = async (database: string) => {
    const restored = await cluster.rowCounts(database);
    if (JSON.stringify(source) !== JSON.stringify(restored))
      throw new Error(`row counts of ${database} differ: ${JSON.stringify(source)} vs ${JSON.stringify(restored)}`);
    await cluster.sql('postgres', `DROP DATABASE ${database}`);
  };
  // No `dump`: the fetch finds the latest under postgres/shop/ as a default restore job does (az
  // storage blob list); the default backup's blob is the only dump there.
  const spec = restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: `shop_blob_${round}` } });
  // The local copy of the blob that the local restore and the local parts read (not timed).
  const file = path.join(work, 'local.dump');
  await azurite.container(CONTAINER).getBlobClient(blob).downloadToFile(file);
  fs.chownSync(file, tools.uid, tools.gid);

  // The restore taken apart, each part into a new database checked as the others: the local copy
  // through a pipe; the same through the fetch container's hashing copy (hashed-copy.sh) on its way;
  // the download piped straight into pg_restore, nothing hashed; and the pod's own data path as one
  // command (the download through the hashing copy into pg_restore), so that what the pod adds
  // beyond it is the pod's, not the data's. Each hashed part checks the count it recorded.
  const into = (database: string) => `pg_restore ${RESTORE_OPTIONS} --dbname=${database}`;
  const localEnv = clientEnv(ctx, 'postgres', APP_PASSWORD);
  // The download keeps the fetch container's PATH (curl, python3); pg_restore is added to it.
  const pgEnv: Record<string, string> = { ...localEnv };
  delete pgEnv.PATH;
  const sums = ownedTempDir('aks-stateful-bench-sum-', tools.uid, tools.gid);
  const functions = path.join(__dirname, '../lib/postgres/shell/functions');
  const blobBytes = fs.statSync(file).size;
  /** The hashing copy from `input` into pg_restore of `database`, then a check of the count it recorded. */
  const hashedRestore = (input: string, database: string) =>
    [
      `${input} hashed_copy ${sums}/stream.sum | ${into(database)}`,
      `read -r bytes _ < ${sums}/stream.sum && [[ $bytes == ${blobBytes} ]]`,
    ].join('\n');
  /** A measurement into a new database of its own, checked afterwards. */
  const intoNew = async (database: string, measure: (database: string) => Promise<Measurement>) => {
    await cluster.sql('postgres', `CREATE DATABASE ${database} OWNER app`);
    const measured = await measure(database);
    await check(database);
    return measured;
  };
  const parts: Array<() => Promise<Measurement>> = [
    () =>
      intoNew(`shop_pipe_${round}`, (db) =>
        timedBash(ctx, 'local pg_restore from a pipe (cat into it)', `cat ${file} | ${into(db)}`, localEnv),
      ),
    () =>
      intoNew(`shop_copy_${round}`, (db) =>
        timedBash(
          ctx,
          "local pg_restore through the fetch's hashing copy (SHA-256 and count on the way)",
          [
            'set -euo pipefail',
            ...['common', 'hashed-copy'].map((f) => `source ${path.join(functions, `${f}.sh`)}`),
            'STEP=copy',
            hashedRestore(`< ${file}`, db),
          ].join('\n'),
          localEnv,
        ),
      ),
    () =>
      intoNew(`shop_curl_${round}`, (db) =>
        downloadAlone(
          ctx,
          spec,
          blob,
          'the download piped into pg_restore (curl, nothing hashed)',
          `| ${into(db)}`,
          pgEnv,
        ),
      ),
    () =>
      intoNew(`shop_path_${round}`, (db) =>
        downloadAlone(
          ctx,
          spec,
          blob,
          "the restore's data path in one command (curl into the hashing copy, into pg_restore)",
          `| ${hashedRestore('', db)}`,
          pgEnv,
        ),
      ),
  ];
  const results: { restore?: PodMeasurement; download?: Measurement; local?: Measurement } = {};
  const partResults: Measurement[] = [];
  const steps: Array<{ label: string; run: () => Promise<void> }> = [
    {
      label: 'restore, the PostgresRestoreJob pod (new database)',
      run: async () => {
        results.restore = await timedPod(ctx, 'restore', spec, RESTORE_MARKERS);
        await check(`shop_blob_${round}`);
      },
    },
    {
      label: "download alone (fetch.sh's curl download, into /dev/null)",
      run: async () => {
        results.download = await downloadAlone(ctx, spec, blob, "download alone: fetch.sh's curl download > /dev/null");
      },
    },
    {
      label: 'local restore alone (pg_restore --dbname of a local copy)',
      run: async () => {
        results.local = await intoNew(`shop_local_${round}`, (db) =>
          timedBash(
            ctx,
            "local pg_restore alone (the restore's options, new database)",
            `${into(db)} ${file}`,
            localEnv,
          ),
        );
      },
    },
    ...parts.map((part, i) => ({
      label: `restore part ${i + 1}`,
      run: async () => {
        partResults[i] = await part();
      },
    })),
  ];
  // Not measured: a local restore first takes the place right after the backups, whose cost does
  // not belong to any step (measured: the first restore step after them took up to 3 s longer than
  // the same step later in the round, whichever step it was, nearly all of it kernel time).
  log(`round ${round}: warm-up, a local pg_restore (not measured)`);
  await intoNew(`shop_warm_${round}`, (db) => timedBash(ctx, 'warm-up', `${into(db)} ${file}`, localEnv));
  for (const step of round % 2 === 1 ? steps : [...steps].reverse()) {
    log(`round ${round}: ${step.label}`);
    await step.run();
  }
  fs.rmSync(sums, { recursive: true, force: true });
  fs.rmSync(file);
  const { restore, download, local } = results as Required<typeof results>;
  log(
    `round ${round}: restore ${(restore.pod.ms / 1000).toFixed(1)} s, download alone ${(download.ms / 1000).toFixed(1)} s, local ${(local.ms / 1000).toFixed(1)} s, parts ${partResults.map((p) => (p.ms / 1000).toFixed(1)).join(' / ')} s`,
  );
  return { restore, download, local, parts: partResults };
}

async function main(): Promise<void> {
  const started = Date.now();
  const tools = requireE2eTools();
  log(
    `PostgreSQL ${tools.postgresMajor}, az ${tools.azVersion}, ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / MIB)} MiB RAM`,
  );
  const [cluster, azurite] = await Promise.all([PostgresCluster.start(tools), Azurite.start(tools)]);
  // Every step from the same server state. No autovacuum: each restore creates a 1.2 GB database
  // whose vacuum would otherwise land at random in whichever step runs next, on the same two cores.
  // WAL files kept (min_wal_size) and no checkpoint forced within a step (max_wal_size): after the
  // backups' checkpoints with hardly any WAL, the server would otherwise remove its WAL files, and
  // whichever restore comes first would create and zero-fill 1.2 GB of new ones that the next
  // restore reuses (docs/benchmarks.md has what each cost).
  for (const setting of ['autovacuum = off', "min_wal_size = '4GB'", "max_wal_size = '4GB'"])
    await cluster.sql('postgres', `ALTER SYSTEM SET ${setting}`);
  await cluster.sql('postgres', 'SELECT pg_reload_conf()');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-bench-'));
  fs.chownSync(work, tools.uid, tools.gid);
  try {
    const ctx: BenchContext = { tools, cluster, azurite, secrets: secrets(), azuritePid: azuritePid(tools) };
    await azurite.container(CONTAINER).create();
    await warmUp(azurite);
    const databaseBytes = await buildDatabase(tools, cluster, APP_PASSWORD, SCALE, TEXT_MIB, log);
    const source = await cluster.rowCounts('shop');
    log(`database size ${Math.round(databaseBytes / MIB)} MiB, rows ${JSON.stringify(source)}`);

    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const backups = new Map<string, BackupSample>();
      let restoreBlob = '';
      for (const variant of VARIANTS) {
        const { blob, ...sample } = await backupRound(ctx, variant, round);
        backups.set(variant.label, sample);
        if (variant.label === 'default') restoreBlob = blob;
        // Azurite keeps blobs in memory: only the one restored below stays.
        else await azurite.container(CONTAINER).deleteBlob(blob);
      }
      rounds.push({ backups, ...(await restoreRound(ctx, restoreBlob, round, work, source)) });
      await azurite.container(CONTAINER).deleteBlob(restoreBlob);
    }
    const figures = report(
      {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? '?',
        ramBytes: os.totalmem(),
        postgresMajor: tools.postgresMajor,
        azVersion: tools.azVersion,
        databaseBytes,
        scale: SCALE,
        textMib: TEXT_MIB,
        rowCounts: source,
      },
      VARIANTS,
      rounds,
    );
    process.stdout.write(`\n${figures}\n\n`);
    log(`benchmark took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    if (UPDATE_DOCS) {
      writeFigures(DOCS, figures);
      log(`figures written to ${path.relative(process.cwd(), DOCS)}`);
    }
  } finally {
    await Promise.all([cluster.stop(), azurite.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
