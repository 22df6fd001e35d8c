/**
 * The figures of the backup benchmark: the fastest of the rounds for each measurement (memory and
 * disk: the largest over the rounds), the steps table, the blobs, and each target as measured,
 * met or missed. Written as markdown, for the terminal and for docs/benchmarks.md.
 */
import * as fs from 'node:fs';
import { CompressionVariant } from './compression';
import { Measurement, PodMeasurement } from './backup-steps';
import { Marker } from './sampler';

/** One backup of one compression: its ceiling, the pod, and the blob it committed. */
export interface BackupSample {
  readonly ceiling: Measurement;
  readonly backup: PodMeasurement;
  /** The same pod with the upload's stream read into /dev/null instead of stored (the default compression only). */
  readonly withoutStorage?: PodMeasurement;
  readonly blobBytes: number;
  /** The blob's `compression` metadata. */
  readonly compression: string;
}

/** One round: a backup per compression, then the restore of the default one and its two baselines. */
export interface Round {
  readonly backups: ReadonlyMap<string, BackupSample>;
  readonly restore: PodMeasurement;
  readonly download: Measurement;
  readonly local: Measurement;
  /** The restore taken apart: the local copy through a pipe and through the fetch's hashing copy, the download piped into pg_restore, and the pod's data path as one command. */
  readonly parts: readonly Measurement[];
}

/** Where and on what the rounds ran. */
export interface RunInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly ramBytes: number;
  readonly postgresMajor: number;
  readonly azVersion: string;
  readonly databaseBytes: number;
  readonly scale: number;
  readonly textMib: number;
  readonly rowCounts: Record<string, number>;
}

/**
 * Status files of the scripts that mark the phases of a pod: the upload writes `staging` when it
 * reads the stream (pg_dump starts right after), the dump `ready` once the archive is verified;
 * the fetch writes `fetched.ready` when it has found the blob (the download starts right after),
 * and its hashing copy `stream.sum` when the stream has ended, which the fetch renames `sent` (at
 * most 0.1 s later) once curl has exited too: the first of the two seen is the stream's end.
 */
export const BACKUP_MARKERS: readonly Marker[] = [{ name: 'staging' }, { name: 'ready' }];
export const RESTORE_MARKERS: readonly Marker[] = [
  { name: 'fetched.ready' },
  { name: 'stream.sum', nonEmpty: true },
  { name: 'sent' },
];

/** The targets of the issue. */
export const BACKUP_OVER_CEILING = 1.1;
export const GZIP1_SPEEDUP = 2;
export const RESTORE_OVER_BASELINE = 1.1;
export const CONTAINER_RSS_LIMIT = 256 * 1024 * 1024;

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
/** Small sizes (scratch folders) in KiB. */
const size = (bytes: number) => (bytes < MIB ? `${(bytes / 1024).toFixed(0)} KiB` : mib(bytes));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cpu = (s: number | undefined) => (s === undefined ? '' : s.toFixed(1));
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The largest of each memory figure over several runs of one step. */
function peakMemory(runs: Measurement[]): Measurement['memory'] {
  const tree = Math.max(...runs.map((m) => m.memory.treeBytes));
  const largest = runs.reduce((a, b) => (b.memory.processBytes > a.memory.processBytes ? b : a)).memory;
  return { treeBytes: tree, processBytes: largest.processBytes, process: largest.process };
}

/** The fastest run of one step, with the memory peaks of all its runs and every run's time. */
function fastest(runs: Measurement[]): Measurement & { all: number[] } {
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...best, memory: peakMemory(runs), all: runs.map((m) => m.ms) };
}

/** The fastest pod run (by its wall clock), its containers' times from that run, memory and disk over all. */
function fastestPod(runs: PodMeasurement[]): {
  pod: Measurement & { all: number[] };
  containers: Array<Measurement & { all: number[] }>;
  scratchBytes: number;
  volumeBytes: number;
  markers: Record<string, number>;
} {
  const best = runs.reduce((a, b) => (b.pod.ms < a.pod.ms ? b : a));
  return {
    pod: { ...best.pod, memory: peakMemory(runs.map((r) => r.pod)), all: runs.map((r) => r.pod.ms) },
    containers: best.containers.map((c, i) => ({
      ...c,
      memory: peakMemory(runs.map((r) => r.containers[i])),
      all: runs.map((r) => r.containers[i].ms),
    })),
    scratchBytes: Math.max(...runs.map((r) => r.scratchBytes)),
    volumeBytes: Math.max(...runs.map((r) => r.volumeBytes)),
    markers: best.markers,
  };
}

/** Milliseconds between two points of a pod run, or '?' when a marker was not seen. */
function span(from: number | undefined, to: number | undefined): string {
  return from === undefined || to === undefined ? '?' : seconds(to - from);
}

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const ratio = (a: number, b: number) => `${seconds(a)} / ${seconds(b)} = ${(a / b).toFixed(2)} ×`;

/** The figures block: how it was measured, the steps, the blobs, the targets. */
export function report(info: RunInfo, variants: readonly CompressionVariant[], rounds: readonly Round[]): string {
  const backups = variants.map((variant) => {
    const samples = rounds.map((r) => r.backups.get(variant.label)!);
    return {
      variant,
      ceiling: fastest(samples.map((s) => s.ceiling)),
      backup: fastestPod(samples.map((s) => s.backup)),
      withoutStorage: samples[0].withoutStorage && fastestPod(samples.map((s) => s.withoutStorage!)),
      blobBytes: samples[0].blobBytes,
      compression: samples[0].compression,
    };
  });
  const restore = fastestPod(rounds.map((r) => r.restore));
  const download = fastest(rounds.map((r) => r.download));
  const local = fastest(rounds.map((r) => r.local));
  const parts = rounds[0].parts.map((_, i) => fastest(rounds.map((r) => r.parts[i])));

  const row = (m: Measurement & { all: number[] }, name = m.name) => [
    name,
    seconds(m.ms),
    rounds.length > 1 ? m.all.map(seconds).join(', ') : '',
    m.cpuShare === undefined ? '' : `${Math.round(m.cpuShare * 100)} %`,
    [cpu(m.ownCpu), cpu(m.serverCpu), cpu(m.azuriteCpu)].join(' / ').replace(/( \/ )+$/, ''),
    mib(m.memory.treeBytes),
    `${m.memory.process} ${mib(m.memory.processBytes)}`,
  ];
  const steps: string[][] = [];
  for (const b of backups) {
    const flags = b.variant.pgDumpFlags ? ` ${b.variant.pgDumpFlags}` : '';
    steps.push(row(b.ceiling, `[${b.variant.label}] ceiling: pg_dump -Fc${flags} > /dev/null`));
    for (const c of b.backup.containers) steps.push(row(c, `[${b.variant.label}] ${c.name}`));
    steps.push(row(b.backup.pod, `[${b.variant.label}] backup: whole pod`));
    if (b.withoutStorage)
      steps.push(
        row(
          b.withoutStorage.pod,
          `[${b.variant.label}] backup part: the whole pod, the stream read into /dev/null (no storage)`,
        ),
      );
  }
  for (const c of restore.containers) steps.push(row(c));
  steps.push(row(restore.pod, 'restore: whole pod'));
  steps.push(row(download, download.name));
  steps.push(row(local, local.name));
  for (const part of parts) steps.push(row(part, `restore part: ${part.name}`));

  const targets: string[][] = [['target', 'measured', 'result']];
  for (const b of backups) {
    const r = b.backup.pod.ms / b.ceiling.ms;
    targets.push([
      `[${b.variant.label}] backup pod ≤ ${BACKUP_OVER_CEILING} × pg_dump -Fc${b.variant.pgDumpFlags ? ` ${b.variant.pgDumpFlags}` : ''} > /dev/null`,
      ratio(b.backup.pod.ms, b.ceiling.ms),
      verdict(r <= BACKUP_OVER_CEILING),
    ]);
  }
  for (const b of backups) {
    if (!b.withoutStorage) continue;
    targets.push([
      `[${b.variant.label}] backup pod without the storage, against pg_dump -Fc > /dev/null (reported)`,
      ratio(b.withoutStorage.pod.ms, b.ceiling.ms),
      '—',
    ]);
  }
  const standard = backups.find((b) => b.variant.label === 'default')!;
  const fast = backups.find((b) => b.variant.label === 'gzip:1');
  if (fast) {
    const speedup = standard.backup.pod.ms / fast.backup.pod.ms;
    targets.push([
      `gzip:1 backup ≥ ${GZIP1_SPEEDUP} × faster than the default`,
      `${seconds(standard.backup.pod.ms)} / ${seconds(fast.backup.pod.ms)} = ${speedup.toFixed(2)} × (blobs ${mib(standard.blobBytes)} and ${mib(fast.blobBytes)})`,
      verdict(speedup >= GZIP1_SPEEDUP),
    ]);
  }
  const baseline = download.ms + local.ms;
  targets.push([
    `restore pod ≤ ${RESTORE_OVER_BASELINE} × (download alone + local pg_restore alone)`,
    `${seconds(restore.pod.ms)} / (${seconds(download.ms)} + ${seconds(local.ms)}) = ${(restore.pod.ms / baseline).toFixed(2)} ×`,
    verdict(restore.pod.ms / baseline <= RESTORE_OVER_BASELINE),
  ]);
  targets.push(['restore pod against the local pg_restore alone (reported)', ratio(restore.pod.ms, local.ms), '—']);
  const containers = [
    ...backups.flatMap((b) => b.backup.containers.map((c) => ({ ...c, name: `[${b.variant.label}] ${c.name}` }))),
    ...restore.containers,
  ];
  const top = containers.reduce((a, b) => (b.memory.treeBytes > a.memory.treeBytes ? b : a));
  targets.push([
    `every container < ${mib(CONTAINER_RSS_LIMIT)} RSS (process tree)`,
    `largest: ${top.name}, ${mib(top.memory.treeBytes)}`,
    verdict(top.memory.treeBytes < CONTAINER_RSS_LIMIT),
  ]);
  const backupScratch = Math.max(...backups.map((b) => b.backup.scratchBytes));
  targets.push([
    'backup scratch folder peak (no archive stored: ~0)',
    `${size(backupScratch)} (all its volumes, az's configuration included: ${size(Math.max(...backups.map((b) => b.backup.volumeBytes)))})`,
    verdict(backupScratch < MIB),
  ]);
  targets.push([
    'streamed restore scratch folder peak (0)',
    `${size(restore.scratchBytes)} (all its volumes: ${size(restore.volumeBytes)})`,
    verdict(restore.scratchBytes < MIB),
  ]);

  const ends = [restore.markers['stream.sum'], restore.markers.sent].filter((ms) => ms !== undefined);
  const streamEnd = ends.length > 0 ? Math.min(...ends) : undefined;
  const phases = table([
    ['pod (fastest run)', 'before the stream', 'streaming', 'after the stream', 'whole pod'],
    ...backups.map((b) => {
      const m = b.backup.markers;
      return [
        `[${b.variant.label}] backup`,
        span(0, m.staging),
        span(m.staging, m.ready),
        span(m.ready, b.backup.pod.ms),
        seconds(b.backup.pod.ms),
      ];
    }),
    // After the stream's end, pg_restore finishes (indexes built after the data), the shadow is renamed.
    [
      'restore',
      span(0, restore.markers['fetched.ready']),
      span(restore.markers['fetched.ready'], streamEnd),
      span(streamEnd, restore.pod.ms),
      seconds(restore.pod.ms),
    ],
  ]);
  const blobs = table([
    ['compression', 'blob', 'blob metadata `compression`', 'backup scratch peak'],
    ...backups.map((b) => [
      b.variant.label,
      `${mib(b.blobBytes)} (${b.blobBytes} bytes)`,
      b.compression,
      size(b.backup.scratchBytes),
    ]),
  ]);
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${info.cpus} CPUs (${info.cpuModel}), ${mib(info.ramBytes)} RAM, ` +
      `PostgreSQL ${info.postgresMajor}, az ${info.azVersion}, Azurite in memory on 127.0.0.1 (warmed up), on the same CPUs.`,
    `Database: ${mib(info.databaseBytes)} (pgbench scale ${info.scale} plus ${info.textMib} MiB of random base64 text; ` +
      `${Object.entries(info.rowCounts)
        .map(([t, n]) => `${t} ${n} rows`)
        .join(', ')}); row counts checked equal after every restore.`,
    `Fastest of ${rounds.length} round${rounds.length > 1 ? 's' : ''} per measurement, each on a freshly restarted server after a sync (memory and disk: the largest over the rounds). ` +
      "A pod's time is its wall clock; its containers run side by side, so their rows overlap, and the pod's memory is the sum of their peaks. " +
      '"CPUs busy": share of all the machine\'s CPU time in use during the step, whoever used it. ' +
      '"CPU s": seconds of CPU of the step\'s own processes / of the PostgreSQL server / of Azurite during the step. ' +
      'The restore is of the default-compression blob.',
    '',
    table([
      [
        'step',
        'time',
        'every round',
        'CPUs busy',
        'CPU s (own / server / Azurite)',
        'peak RSS (process tree)',
        'largest process',
      ],
      ...steps,
    ]),
    '',
    phases,
    '',
    blobs,
    '',
    table(targets),
  ].join('\n');
}

/** Replaces the block between the bench markers of a markdown file with `figures`. */
export function writeFigures(file: string, figures: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${file} has no ${start} ... ${end} section`);
  fs.writeFileSync(
    file,
    `${text.slice(0, text.indexOf(start) + start.length)}\n${figures}\n${text.slice(text.indexOf(end))}`,
  );
}
