/**
 * The measured steps of the backup benchmark: a bash command run as the containers' user, or a pod
 * of a synthesized manifest run by the end-to-end harness; each on a freshly restarted server after
 * a `sync`, with the machine's CPU share, the CPU seconds of the server, of Azurite and of the
 * step's own processes, and the peak memory of each process tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Azurite } from '../../test/backup/e2e/support/azurite';
import { PostgresCluster } from '../../test/backup/e2e/support/postgres-cluster';
import { ownedTempDir, run } from '../../test/backup/e2e/support/processes';
import { cleanUp, runPod } from '../../test/backup/e2e/support/run-pod';
import { E2eTools } from '../../test/backup/e2e/support/tools';
import {
  Marker,
  MemoryPeak,
  TreeUsage,
  children,
  sampleCpu,
  sampleFolder,
  sampleTree,
  treeCpuSeconds,
  watchMarkers,
} from './sampler';

/** What every step runs against, and the processes whose CPU time is counted beside the step's own. */
export interface BenchContext {
  readonly tools: E2eTools;
  readonly cluster: PostgresCluster;
  readonly azurite: Azurite;
  readonly azuritePid: number;
  /** The Secret values the kubelet would inject (`<secret>/<key>`). */
  readonly secrets: Record<string, string>;
}

/** One timed step. */
export interface Measurement {
  readonly name: string;
  readonly ms: number;
  /** How busy the machine's CPUs were (1 = every core busy all the time), whoever used them. */
  readonly cpuShare?: number;
  /** CPU seconds of the step's own processes (a command's tree, or a container's). */
  readonly ownCpu: number;
  /** CPU seconds of the PostgreSQL server and of Azurite during the step (pods and commands only). */
  readonly serverCpu?: number;
  readonly azuriteCpu?: number;
  readonly memory: MemoryPeak;
}

/** A pod run: the wall clock of the pod as a whole, each container, and the peak of its volumes. */
export interface PodMeasurement {
  readonly pod: Measurement;
  readonly containers: Measurement[];
  /** Peak bytes of files in the scratch emptyDir (pipes take none). */
  readonly scratchBytes: number;
  /** Peak bytes of files in all its emptyDirs (scratch and the az configuration). */
  readonly volumeBytes: number;
  /** Milliseconds from the pod's start to the first sighting of each status file asked for in the scratch folder. */
  readonly markers: Record<string, number>;
}

/** The PID of Azurite (a child of this process). */
export function azuritePid(tools: E2eTools): number {
  const pid = children(process.pid).find((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(tools.azuriteBlob);
    } catch {
      return false;
    }
  });
  if (!pid) throw new Error('cannot find the PID of Azurite');
  return pid;
}

/**
 * Every measurement starts from the same state: a restarted server, so no dirty buffers or WAL
 * from the step before (its shutdown checkpoint) and empty shared buffers (a CHECKPOINT alone left
 * them as the step before had filled them), then `sync`: the server runs with fsync off, so the
 * step before's files would otherwise still be written back by the kernel during this one, on the
 * same two cores.
 */
async function settle(ctx: BenchContext): Promise<void> {
  await ctx.cluster.restart();
  const synced = await run('sync', [], { timeoutMs: 600_000 });
  if (synced.code !== 0) throw new Error(`sync failed: ${synced.output}`);
}

/** Runs `body` on a freshly restarted server after a `sync`, timing it and counting the machine's, the server's and Azurite's CPU. */
async function around<T>(
  ctx: BenchContext,
  body: () => Promise<T>,
): Promise<{ result: T; ms: number; cpuShare: number; serverCpu: number; azuriteCpu: number }> {
  await settle(ctx);
  // The postmaster's tree is every backend that serves the step; a new PID after the restart.
  const serverPid = ctx.cluster.serverPid();
  const machine = sampleCpu();
  const server = treeCpuSeconds(serverPid);
  const azurite = treeCpuSeconds(ctx.azuritePid);
  const started = Date.now();
  const result = await body();
  const ms = Date.now() - started;
  return {
    result,
    ms,
    cpuShare: machine.stop(),
    serverCpu: treeCpuSeconds(serverPid) - server,
    azuriteCpu: treeCpuSeconds(ctx.azuritePid) - azurite,
  };
}

/** The containers' environment for a PostgreSQL client: libpq settings for the app user. */
export function clientEnv(ctx: BenchContext, database: string, password: string): Record<string, string> {
  return {
    PATH: `${ctx.tools.postgresBin}:/usr/bin:/bin`,
    PGHOST: ctx.cluster.host,
    PGPORT: String(ctx.cluster.port),
    PGUSER: 'app',
    PGPASSWORD: password,
    PGDATABASE: database,
  };
}

/** Runs one bash command as the containers' user with the given environment. */
export async function timedBash(
  ctx: BenchContext,
  name: string,
  command: string,
  env: Record<string, string>,
): Promise<Measurement> {
  let sampler: { stop(): TreeUsage } | undefined;
  const { result, ms, cpuShare, serverCpu, azuriteCpu } = await around(ctx, () =>
    run('bash', ['-c', command], {
      env,
      uid: ctx.tools.uid,
      gid: ctx.tools.gid,
      cwd: '/',
      timeoutMs: 3 * 3600_000,
      onSpawn: (pid) => {
        sampler = sampleTree(pid);
      },
    }),
  );
  const usage = sampler?.stop();
  if (result.code !== 0) throw new Error(`${name} failed (${result.code ?? result.signal}):\n${result.output}`);
  return {
    name,
    ms,
    cpuShare,
    serverCpu,
    azuriteCpu,
    ownCpu: usage?.cpuSeconds ?? 0,
    memory: usage?.memory ?? { treeBytes: 0, processBytes: 0, process: '?' },
  };
}

/**
 * Runs a pod from a manifest. Its time is the pod's wall clock, from the first container's start
 * to the last one's end: containers that run side by side overlap, so their times do not add up.
 */
export async function timedPod(
  ctx: BenchContext,
  label: string,
  podSpec: any,
  markerNames: readonly Marker[] = [],
): Promise<PodMeasurement> {
  const samplers = new Map<string, ReturnType<typeof sampleTree>>();
  let markers: { stop(): Record<string, number> } | undefined;
  // One sampler per volume, started before the first container.
  let volumes: Map<string, { stop(): number }> | undefined;
  const { result: pod, ...totals } = await around(ctx, () =>
    runPod(podSpec, ctx.tools, {
      secrets: ctx.secrets,
      timeoutMs: 3 * 3600_000,
      beforeStart: (_container, dirs) => {
        if (volumes) return;
        volumes = new Map(Object.entries(dirs).map(([name, dir]) => [name, sampleFolder(dir)]));
        markers = watchMarkers(dirs.scratch, markerNames, Date.now());
      },
      onStart: (container, pid) => samplers.set(container, sampleTree(pid)),
    }),
  );
  const peaks: Record<string, number> = {};
  for (const [name, sampler] of volumes ?? []) peaks[name] = sampler.stop();
  const scratchBytes = peaks.scratch ?? 0;
  const volumeBytes = Object.values(peaks).reduce((sum, bytes) => sum + bytes, 0);
  const seen = markers?.stop() ?? {};
  cleanUp(pod);
  if (!pod.succeeded) throw new Error(`${label} failed:\n${pod.log}`);
  const containers = pod.runs.map((r) => {
    const usage = samplers.get(r.name)!.stop();
    return { name: `${label}: ${r.name}`, ms: r.durationMs, ownCpu: usage.cpuSeconds, memory: usage.memory };
  });
  const largest = containers.reduce((a, b) => (b.memory.processBytes > a.memory.processBytes ? b : a)).memory;
  return {
    pod: {
      name: `${label}: whole pod`,
      ...totals,
      ownCpu: containers.reduce((sum, c) => sum + c.ownCpu, 0),
      // Containers side by side: the sum of their peaks bounds the pod's; the largest process among them.
      memory: {
        treeBytes: containers.reduce((sum, c) => sum + c.memory.treeBytes, 0),
        processBytes: largest.processBytes,
        process: largest.process,
      },
    },
    containers,
    scratchBytes,
    volumeBytes,
    markers: seen,
  };
}

/** fetch.sh's download of the blob, as it streams it: into the hashing copy that writes the pipe. */
const FETCH_DOWNLOAD = 'download_blob "$(blob_url "$blob")"';
const FETCH_STREAM = ' | hashed_copy "$SCRATCH_DIR/stream.sum" > "$SCRATCH_DIR/dump.fifo" &';

/**
 * The fetch container's download alone, into `sink` (a redirection or a pipe: `> /dev/null` by
 * default): the same functions (the container SAS signed with the key, the same curl download),
 * the fetch container's own manifest environment plus `extraEnv`, with fresh folders for its
 * volumes. Refuses to run when fetch.sh no longer downloads with that command, rather than time
 * something the restore does not do.
 */
export async function downloadAlone(
  ctx: BenchContext,
  restoreSpec: any,
  blob: string,
  name: string,
  sink = '> /dev/null',
  extraEnv: Record<string, string> = {},
): Promise<Measurement> {
  const shell = path.resolve(__dirname, '../../lib/postgres/shell');
  const fetchScript = fs.readFileSync(path.join(shell, 'fetch.sh'), 'utf8').replace(/\\\n\s*/g, '');
  if (!fetchScript.includes(FETCH_DOWNLOAD + FETCH_STREAM))
    throw new Error(
      `lib/postgres/shell/fetch.sh no longer runs "${FETCH_DOWNLOAD + FETCH_STREAM}": update downloadAlone to match it`,
    );
  const fetch = (restoreSpec.containers ?? []).find((c: any) => c.name === 'fetch');
  if (!fetch) throw new Error('the restore pod has no fetch container');
  const dirs: Record<string, string> = {};
  for (const volume of restoreSpec.volumes ?? [])
    dirs[volume.name] = ownedTempDir(`aks-stateful-bench-${volume.name}-`, ctx.tools.uid, ctx.tools.gid);
  const mounts = (fetch.volumeMounts ?? [])
    .map((m: any) => [m.mountPath as string, dirs[m.name]] as const)
    .sort((a: readonly [string, string], b: readonly [string, string]) => b[0].length - a[0].length);
  const env: Record<string, string> = {
    PATH: `${path.dirname(ctx.tools.az)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  };
  for (const variable of fetch.env ?? []) {
    if (variable.value !== undefined) {
      const value = String(variable.value);
      const mount = mounts.find(([m]: readonly [string, string]) => value === m || value.startsWith(`${m}/`));
      env[variable.name] = mount ? mount[1] + value.slice(mount[0].length) : value;
    } else {
      const { name: secret, key } = variable.valueFrom.secretKeyRef;
      env[variable.name] = ctx.secrets[`${secret}/${key}`];
    }
  }
  Object.assign(env, extraEnv);
  env.PATH = `${ctx.tools.postgresBin}:${env.PATH}`;
  env.blob = blob;
  const command = [
    'set -euo pipefail',
    'STEP=download-alone',
    ...['common', 'azure', 'blocks', 'sas', 'blob-read', 'hashed-copy'].map(
      (f) => `source ${path.join(shell, `functions/${f}.sh`)}`,
    ),
    'X_MS_VERSION=2021-08-06',
    'endpoint=$(blob_endpoint)',
    "TZ=UTC printf -v expiry '%(%Y-%m-%dT%H:%MZ)T' $((EPOCHSECONDS + 3600))",
    'sas=$(container_read_sas "$BLOB_CONTAINER" "$expiry" "$endpoint")',
    'blob_url() { printf \'%s\\n\' "$endpoint/$(url_path "$BLOB_CONTAINER")/$(url_path "$1")?$sas"; }',
    `${FETCH_DOWNLOAD} ${sink}`,
  ].join('\n');
  try {
    return await timedBash(ctx, name, command, env);
  } finally {
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The backup pod with its upload container replaced by a stand-in that reads the stream as the
 * upload does (the same hashing copy) into /dev/null and checks its count and SHA-256 against the
 * dump's: the backup's data path without the storage, whose emulator shares this machine's CPUs
 * (Azure's servers would not). It answers the dump container as the upload does (`staging`,
 * `upload-exited`), so the dump container runs exactly as in the backup.
 */
export function backupWithoutStorage(backupSpec: any): any {
  const functions = path.resolve(__dirname, '../../lib/postgres/shell/functions');
  const standIn = [
    'set -euo pipefail',
    ...['common', 'hashed-copy'].map((f) => `source ${path.join(functions, `${f}.sh`)}`),
    'STEP=upload-stand-in',
    `trap ': > "$SCRATCH_DIR/upload-exited"' EXIT`,
    'until [[ -f "$SCRATCH_DIR/blob-name" || -f "$SCRATCH_DIR/failed" ]]; do sleep 0.02; done',
    '[[ -f "$SCRATCH_DIR/blob-name" ]]',
    'exec {in}< "$SCRATCH_DIR/upload.fifo"',
    ': > "$SCRATCH_DIR/staging"',
    'hashed_copy "$SCRATCH_DIR/upload.sum" <&"$in" > /dev/null',
    'until [[ -f "$SCRATCH_DIR/ready" || -f "$SCRATCH_DIR/failed" ]]; do sleep 0.02; done',
    '[[ -f "$SCRATCH_DIR/ready" ]]',
    'read -r size sha < "$SCRATCH_DIR/upload.sum"',
    'grep --quiet --line-regexp "size=$size" "$SCRATCH_DIR/metadata"',
    'grep --quiet --line-regexp "sha256=$sha" "$SCRATCH_DIR/metadata"',
  ].join('\n');
  const spec = JSON.parse(JSON.stringify(backupSpec));
  const upload = (spec.containers ?? []).find((c: any) => c.name === 'upload');
  if (!upload) throw new Error('the backup pod has no upload container');
  upload.command = ['bash', '-c'];
  upload.args = [standIn];
  return spec;
}
