/**
 * Backup and restore benchmark (`npm run bench:backup`; add `-- --update-docs` to rewrite the
 * figures in docs/benchmarks.md). Builds a ~1 GB database (pgbench data plus a table of
 * incompressible text) in a throwaway local PostgreSQL, then measures in one run:
 *   1. `pg_dump -Fc > /dev/null`: the ceiling, nothing can back up faster;
 *   2. the full backup: BackupCronJob's containers, taken from its manifest (dump, verify, upload to Azurite);
 *   3. the restore from the blob: PostgresRestoreJob's containers (download, checksum, pg_restore into a new database);
 *   4. `pg_restore` from a local file with the same options: the baseline for 3;
 * with the peak memory of each step (RSS of the step's process tree) and the peak local disk. Each
 * measurement runs `--rounds` times (default 2) and the fastest counts. Options: `--scale <pgbench
 * scale>` (default 34), `--text-mib <MiB of random text>` (default 480).
 * Needs what the end-to-end tests need: scripts/install-system-deps.sh and `npm ci`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Azurite } from '../test/backup/e2e/support/azurite';
import { APP_PASSWORD, CONTAINER, backupPod, restorePod, secrets } from '../test/backup/e2e/support/fixture';
import { PostgresCluster } from '../test/backup/e2e/support/postgres-cluster';
import { run } from '../test/backup/e2e/support/processes';
import { PodRun, cleanUp, runPod } from '../test/backup/e2e/support/run-pod';
import { E2eTools, requireE2eTools } from '../test/backup/e2e/support/tools';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from '../test/backup/e2e/support/azurite';
import { AZ_COMMAND_MODULES } from '../lib/postgres/scripts';
import { MemoryPeak, sampleCpu, sampleFolder, sampleMemory } from './bench/sampler';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
/** pgbench scale: 100,000 accounts (about 15 MB with indexes) per unit. */
const SCALE = option('scale', 34);
/** MiB of random base64 text (deflate gains little on it). */
const TEXT_MIB = option('text-mib', 480);
const UPDATE_DOCS = args.includes('--update-docs');
/** Each measurement is repeated; the fastest counts (single runs on a small machine are noisy). */
const ROUNDS = option('rounds', 3);
const DOCS = path.resolve(__dirname, '../docs/benchmarks.md');

/** The memory of containers running side by side: the sum of their peaks (an upper bound), the largest process among them. */
function maxTree(steps: Array<{ memory: MemoryPeak }>): MemoryPeak {
  const largest = steps.reduce((a, b) => (b.memory.processBytes > a.memory.processBytes ? b : a)).memory;
  return {
    treeBytes: steps.reduce((sum, s) => sum + s.memory.treeBytes, 0),
    processBytes: largest.processBytes,
    process: largest.process,
  };
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Step {
  readonly name: string;
  readonly ms: number;
  readonly memory: MemoryPeak;
  readonly disk?: number;
  /** How busy the machine's CPUs were during the step (1 = all cores, all the time). */
  readonly cpu?: number;
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

/** Runs one bash command as the containers' user with libpq settings for the app user, sampling its memory. */
async function timedCommand(
  tools: E2eTools,
  cluster: PostgresCluster,
  name: string,
  command: string,
  database: string,
): Promise<Step> {
  const env = {
    PATH: `${tools.postgresBin}:/usr/bin:/bin`,
    PGHOST: cluster.host,
    PGPORT: String(cluster.port),
    PGUSER: 'app',
    PGPASSWORD: APP_PASSWORD,
    PGDATABASE: database,
  };
  return timedBash(tools, name, command, env);
}

/** Runs one bash command as the containers' user with the given environment, sampling its memory and the machine's CPU. */
async function timedBash(tools: E2eTools, name: string, command: string, env: Record<string, string>): Promise<Step> {
  let sampler: { stop(): MemoryPeak } | undefined;
  const cpu = sampleCpu();
  const started = Date.now();
  const result = await run('bash', ['-c', command], {
    env,
    uid: tools.uid,
    gid: tools.gid,
    cwd: '/',
    timeoutMs: 3 * 3600_000,
    onSpawn: (pid) => {
      sampler = sampleMemory(pid);
    },
  });
  const ms = Date.now() - started;
  const busy = cpu.stop();
  if (result.code !== 0) throw new Error(`${name} failed (${result.code}):\n${result.output}`);
  return { name, ms, memory: sampler?.stop() ?? { treeBytes: 0, processBytes: 0, process: '?' }, cpu: busy };
}

/**
 * The transfer alone, with the same az as the pods and a command index primed as theirs: what
 * Azurite and az cost on this machine whatever the job around them does.
 */
async function timedAz(
  tools: E2eTools,
  azurite: Azurite,
  name: string,
  azArgs: string,
  configDir: string,
): Promise<Step> {
  const env = {
    PATH: `${path.dirname(tools.az)}:/usr/bin:/bin`,
    HOME: configDir,
    AZURE_CONFIG_DIR: configDir,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_STORAGE_KEY: DEV_ACCOUNT_KEY,
  };
  const storage = `--account-name ${DEV_ACCOUNT} --blob-endpoint ${azurite.endpoint} --auth-mode key --container-name ${CONTAINER} --no-progress --only-show-errors`;
  return timedBash(tools, name, `az storage blob ${azArgs} ${storage}`, env);
}

/**
 * Runs a pod from a manifest, sampling each container's memory and the scratch folder. Its time is
 * the pod's wall clock, from the first container's start to the last one's end: containers that
 * run side by side overlap, so their times do not add up.
 */
async function timedPod(
  tools: E2eTools,
  label: string,
  podSpec: any,
): Promise<{ pod: PodRun; steps: Step[]; disk: number; wallMs: number; cpu: number }> {
  const samplers = new Map<string, { stop(): MemoryPeak }>();
  let disk: { stop(): number } | undefined;
  const cpu = sampleCpu();
  const started = Date.now();
  const pod = await runPod(podSpec, tools, {
    secrets: secrets(),
    timeoutMs: 3 * 3600_000,
    beforeStart: (_container, volumes) => {
      disk ??= sampleFolder(volumes.scratch);
    },
    onStart: (container, pid) => samplers.set(container, sampleMemory(pid)),
  });
  const wallMs = Date.now() - started;
  const busy = cpu.stop();
  const peakDisk = disk?.stop() ?? 0;
  cleanUp(pod);
  if (!pod.succeeded) throw new Error(`${label} failed:\n${pod.log}`);
  const steps = pod.runs.map((r) => ({
    name: `${label}: ${r.name}`,
    ms: r.durationMs,
    memory: samplers.get(r.name)!.stop(),
  }));
  return { pod, steps, disk: peakDisk, wallMs, cpu: busy };
}

async function buildDatabase(tools: E2eTools, cluster: PostgresCluster): Promise<number> {
  await cluster.sql('postgres', `CREATE ROLE app LOGIN CREATEDB PASSWORD '${APP_PASSWORD}'`);
  await cluster.sql('postgres', 'CREATE DATABASE shop OWNER app');
  log(`pgbench -i -s ${SCALE}`);
  const pgbench = await run(
    path.join(tools.postgresBin, 'pgbench'),
    [
      '--initialize',
      '--scale',
      String(SCALE),
      '--quiet',
      '--host',
      cluster.host,
      '--port',
      String(cluster.port),
      '--username',
      'app',
      'shop',
    ],
    { env: { PGPASSWORD: APP_PASSWORD }, timeoutMs: 3600_000 },
  );
  if (pgbench.code !== 0) throw new Error(`pgbench failed:\n${pgbench.output}`);
  log(`${TEXT_MIB} MiB of random base64 text`);
  // 4 KiB rows: 3 KiB of random bytes each (192 md5 digests), base64-encoded without line breaks.
  const rows = Math.round((TEXT_MIB * MIB) / 4096);
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

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The steps of the fastest round (by `totals`, default their sum), with each step's largest memory peak over the rounds. */
function fastest(rounds: Step[][], totals = rounds.map((steps) => steps.reduce((sum, s) => sum + s.ms, 0))): Step[] {
  const best = rounds[totals.indexOf(Math.min(...totals))];
  return best.map((step, i) => {
    const peaks = rounds.map((steps) => steps[i].memory);
    const top = peaks.reduce((a, b) => (b.treeBytes > a.treeBytes ? b : a));
    const process = peaks.reduce((a, b) => (b.processBytes > a.processBytes ? b : a));
    return {
      ...step,
      memory: { treeBytes: top.treeBytes, processBytes: process.processBytes, process: process.process },
    };
  });
}

/** Azurite is a Node process: a first large upload also warms its JIT, which Azure Storage does not need. */
async function warmUp(azurite: Azurite): Promise<void> {
  const client = azurite.container(CONTAINER).getBlockBlobClient('warm-up');
  await client.uploadData(Buffer.alloc(64 * MIB, 7));
  await client.downloadToBuffer();
  await client.delete();
}

/** Writes az's command index for the local az into a fresh config folder, as the job scripts do for the image's. */
function primedAzConfig(tools: E2eTools, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'commandIndex.json'),
    JSON.stringify({
      version: tools.azVersion,
      cloudProfile: 'latest',
      commandIndex: AZ_COMMAND_MODULES,
    }),
  );
  fs.chownSync(dir, tools.uid, tools.gid);
  fs.chownSync(path.join(dir, 'commandIndex.json'), tools.uid, tools.gid);
  return dir;
}

interface Round {
  readonly ceiling: Step;
  readonly backup: Step[];
  readonly backupMs: number;
  readonly backupCpu: number;
  readonly upload: Step;
  readonly restore: Step[];
  readonly restoreMs: number;
  readonly restoreCpu: number;
  readonly download: Step;
  readonly local: Step;
  readonly backupDisk: number;
  readonly restoreDisk: number;
  readonly dumpBytes: number;
}

async function main(): Promise<void> {
  const tools = requireE2eTools();
  log(`PostgreSQL ${tools.postgresMajor}, ${os.cpus().length} CPUs, ${mib(os.totalmem())} RAM`);
  const [cluster, azurite] = await Promise.all([PostgresCluster.start(tools), Azurite.start(tools)]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-bench-'));
  fs.chownSync(work, tools.uid, tools.gid);
  const localDump = path.join(work, 'local.dump');
  try {
    await azurite.container(CONTAINER).create();
    await warmUp(azurite);
    const databaseBytes = await buildDatabase(tools, cluster);
    const source = await cluster.rowCounts('shop');
    log(`database size ${mib(databaseBytes)}, rows ${JSON.stringify(source)}`);
    // Every measurement starts from the same server state: no dirty buffers or WAL from the step before.
    const settle = () => cluster.sql('postgres', 'CHECKPOINT');

    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}: ceiling, pg_dump -Fc > /dev/null`);
      await settle();
      const ceiling = await timedCommand(
        tools,
        cluster,
        'pg_dump -Fc > /dev/null (ceiling)',
        'pg_dump -Fc > /dev/null',
        'shop',
      );

      log(`round ${round}: backup, the BackupCronJob pod`);
      await settle();
      const backup = await timedPod(tools, 'backup', backupPod(tools, cluster, azurite));
      const blob = (await azurite.list(CONTAINER)).slice(-1)[0];
      fs.writeFileSync(localDump, await azurite.download(CONTAINER, blob.name));
      fs.chownSync(localDump, tools.uid, tools.gid);

      log(`round ${round}: the upload alone (az storage blob upload of the same file)`);
      const upload = await timedAz(
        tools,
        azurite,
        'upload alone: az storage blob upload of the dump',
        `upload --file ${localDump} --name bench/upload-alone-${round}.dump --type block --max-connections 8 --output none`,
        primedAzConfig(tools, path.join(work, `az-up-${round}`)),
      );
      await azurite.container(CONTAINER).deleteBlob(`bench/upload-alone-${round}.dump`);

      log(`round ${round}: restore, the PostgresRestoreJob pod (new database)`);
      await settle();
      const restore = await timedPod(
        tools,
        'restore',
        restorePod(tools, cluster, azurite, { mode: { mode: 'newDatabase', database: `shop_from_blob_${round}` } }),
      );
      const restored = await cluster.rowCounts(`shop_from_blob_${round}`);
      if (JSON.stringify(source) !== JSON.stringify(restored))
        throw new Error(`row counts differ: ${JSON.stringify(source)} vs ${JSON.stringify(restored)}`);
      await cluster.sql('postgres', `DROP DATABASE shop_from_blob_${round}`);

      log(
        `round ${round}: the download alone (az storage blob download to /dev/null, one connection as in the restore)`,
      );
      const download = await timedAz(
        tools,
        azurite,
        'download alone: az storage blob download > /dev/null',
        `download --name ${blob.name} > /dev/null`,
        primedAzConfig(tools, path.join(work, `az-down-${round}`)),
      );

      log(`round ${round}: baseline, pg_restore from a local file`);
      await cluster.sql('postgres', `CREATE DATABASE shop_from_file_${round} OWNER app`);
      await settle();
      const local = await timedCommand(
        tools,
        cluster,
        'pg_restore from a local file (baseline)',
        `pg_restore --exit-on-error --single-transaction --no-password --no-owner --no-privileges --dbname=shop_from_file_${round} ${localDump}`,
        'shop',
      );
      await cluster.sql('postgres', `DROP DATABASE shop_from_file_${round}`);
      rounds.push({
        ceiling,
        backup: backup.steps,
        backupMs: backup.wallMs,
        backupCpu: backup.cpu,
        upload,
        restore: restore.steps,
        restoreMs: restore.wallMs,
        restoreCpu: restore.cpu,
        download,
        local,
        backupDisk: backup.disk,
        restoreDisk: restore.disk,
        dumpBytes: blob.size,
      });
      log(
        `round ${round}: ceiling ${seconds(ceiling.ms)}, backup ${seconds(backup.wallMs)}, upload alone ${seconds(upload.ms)}, ` +
          `restore ${seconds(restore.wallMs)}, download alone ${seconds(download.ms)}, local ${seconds(local.ms)}`,
      );
    }

    const [ceiling] = fastest(rounds.map((r) => [r.ceiling]));
    const bestBackup = rounds.reduce((a, b) => (b.backupMs < a.backupMs ? b : a));
    const bestRestore = rounds.reduce((a, b) => (b.restoreMs < a.restoreMs ? b : a));
    const backup = fastest(
      rounds.map((r) => r.backup),
      rounds.map((r) => r.backupMs),
    );
    const restore = fastest(
      rounds.map((r) => r.restore),
      rounds.map((r) => r.restoreMs),
    );
    const [upload] = fastest(rounds.map((r) => [r.upload]));
    const [download] = fastest(rounds.map((r) => [r.download]));
    const [local] = fastest(rounds.map((r) => [r.local]));
    const backupRatio = bestBackup.backupMs / ceiling.ms;
    const restoreRatio = bestRestore.restoreMs / local.ms;
    const steps = [ceiling, ...backup, ...restore, local];
    const pods: Step[] = [
      {
        name: 'backup: whole pod (wall clock)',
        ms: bestBackup.backupMs,
        memory: maxTree(backup),
        cpu: bestBackup.backupCpu,
      },
      {
        name: 'restore: whole pod (wall clock)',
        ms: bestRestore.restoreMs,
        memory: maxTree(restore),
        cpu: bestRestore.restoreCpu,
      },
    ];
    const peakRss = Math.max(...steps.map((s) => s.memory.treeBytes));
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
    const perRound = (pick: (r: Round) => number) => rounds.map((r) => seconds(pick(r))).join(', ');
    const busy = (step: Step) => (step.cpu === undefined ? '' : `${Math.round(step.cpu * 100)} %`);
    const figures = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${mib(os.totalmem())} RAM, PostgreSQL ${tools.postgresMajor}, ` +
        `az ${tools.azVersion}, Azurite in memory on 127.0.0.1 (warmed up), on the same CPUs.`,
      `Database: ${mib(databaseBytes)} (pgbench scale ${SCALE} plus ${TEXT_MIB} MiB of random base64 text; ${Object.entries(
        source,
      )
        .map(([t, n]) => `${t} ${n} rows`)
        .join(', ')}); ` + `dump: ${mib(rounds[0].dumpBytes)}; row counts checked equal after each restore.`,
      `Fastest of ${ROUNDS} rounds per measurement (memory: largest over the rounds). Every round: ceiling ${perRound((r) => r.ceiling.ms)}; ` +
        `backup ${perRound((r) => r.backupMs)}; restore ${perRound((r) => r.restoreMs)}; local pg_restore ${perRound((r) => r.local.ms)}. ` +
        "Backup and restore times are each pod's wall clock; their containers run side by side, so the container rows overlap " +
        "(a container's time includes its waiting for the other) and the pod rows show the sum of the containers' peaks. " +
        '"CPUs busy" is the share of all the machine\'s CPU time in use during the step (Azurite and the server included).',
      '',
      table([
        ['step', 'time', 'CPUs busy', 'peak RSS (process tree)', 'largest process'],
        ...[ceiling, ...backup, pods[0], upload, ...restore, pods[1], download, local].map((s) => [
          s.name,
          seconds(s.ms),
          busy(s),
          mib(s.memory.treeBytes),
          `${s.memory.process} ${mib(s.memory.processBytes)}`,
        ]),
      ]),
      '',
      table([
        ['target', 'measured', 'result'],
        [
          'backup ≤ 1.3 × ceiling',
          `${seconds(bestBackup.backupMs)} / ${seconds(ceiling.ms)} = ${backupRatio.toFixed(2)} ×`,
          verdict(backupRatio <= 1.3),
        ],
        [
          'restore ≤ 1.3 × local pg_restore',
          `${seconds(bestRestore.restoreMs)} / ${seconds(local.ms)} = ${restoreRatio.toFixed(2)} ×`,
          verdict(restoreRatio <= 1.3),
        ],
        ['each step < 256 MiB RSS', `largest step ${mib(peakRss)}`, verdict(peakRss < 256 * MIB)],
        [
          'peak local disk',
          `backup ${mib(Math.max(...rounds.map((r) => r.backupDisk)))}, restore ${mib(Math.max(...rounds.map((r) => r.restoreDisk)))} (dump ${mib(rounds[0].dumpBytes)})`,
          '—',
        ],
      ]),
    ].join('\n');
    process.stdout.write(`\n${figures}\n`);
    if (UPDATE_DOCS) {
      const text = fs.readFileSync(DOCS, 'utf8');
      const start = '<!-- bench:start -->';
      const end = '<!-- bench:end -->';
      if (!text.includes(start) || !text.includes(end)) throw new Error(`${DOCS} has no ${start} ... ${end} section`);
      fs.writeFileSync(
        DOCS,
        `${text.slice(0, text.indexOf(start) + start.length)}\n${figures}\n${text.slice(text.indexOf(end))}`,
      );
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
