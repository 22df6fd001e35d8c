/**
 * Samplers for the backup benchmark: peak resident memory of a process and everything it starts
 * (what a container's memory limit sees, page cache aside), the CPU time of such a tree, how busy
 * the whole machine was, and peak bytes in a folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PAGE_KIB = 4;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** What one read of /proc/<pid>/stat tells of a process. */
interface ProcessStat {
  /** Its command name (at most 15 characters). */
  readonly name: string;
  /**
   * CPU ticks of the process and of its children it has waited for (utime, stime, cutime,
   * cstime). Summed over a live tree, this counts every process that ran in it once: an exited
   * process's time moves into the parent that reaped it.
   */
  readonly ticks: number;
  /** Resident set size in bytes. */
  readonly rssBytes: number;
}

/**
 * One read of /proc/<pid>/stat, or undefined when the process has exited: the samplers run in the
 * benchmark's own process, on the same two cores as what they measure, so each sample reads as
 * little as it can (statm and comm would be two more reads per process).
 */
function processStat(pid: number): ProcessStat | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command is in parentheses and may hold spaces: the fields after it start with state (field 3).
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, close),
    ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    rssBytes: Number(fields[21]) * PAGE_KIB * 1024,
  };
}

/** Children of one process, from each of its threads' `children` list (only the tree is read, not all of /proc). */
export function children(pid: number): number[] {
  let threads: string[];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const thread of threads) {
    try {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').split(' ')) {
        if (child) found.push(Number(child));
      }
    } catch {
      // exited while listing
    }
  }
  return found;
}

/** Every live process below `root` (children, grandchildren, ...), plus `root`. */
function tree(root: number): number[] {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...children(pids[i]));
  return pids;
}

/** CPU seconds used so far by the tree under `pid` (its live processes and all they have reaped). */
export function treeCpuSeconds(pid: number): number {
  return tree(pid).reduce((sum, p) => sum + (processStat(p)?.ticks ?? 0), 0) / TICKS_PER_SECOND;
}

/** Peak memory of a process tree. */
export interface MemoryPeak {
  /** Largest sum of RSS over the tree at one instant. */
  readonly treeBytes: number;
  /** Largest RSS of a single process, and its command. */
  readonly processBytes: number;
  readonly process: string;
}

/** What {@link sampleTree} saw of a process tree. */
export interface TreeUsage {
  readonly memory: MemoryPeak;
  /**
   * CPU seconds of the whole tree, at the last sample: what ran in the interval after it (at most)
   * is missing.
   */
  readonly cpuSeconds: number;
}

/**
 * Samples the tree under `pid` every `intervalMs` (memory peak and CPU time) until stopped. 100 ms:
 * the steps last seconds and their memory grows and shrinks over seconds, while every sample costs
 * the steps measured a little CPU.
 */
export function sampleTree(pid: number, intervalMs = 100): { stop(): TreeUsage } {
  let treeBytes = 0;
  let processBytes = 0;
  let processName = '';
  let cpuSeconds = 0;
  const sample = () => {
    let sum = 0;
    let ticks = 0;
    for (const p of tree(pid)) {
      const stat = processStat(p);
      if (!stat) continue;
      sum += stat.rssBytes;
      ticks += stat.ticks;
      if (stat.rssBytes > processBytes) {
        processBytes = stat.rssBytes;
        processName = stat.name;
      }
    }
    treeBytes = Math.max(treeBytes, sum);
    // The largest sum seen: a process that has exited but is not yet reaped may be missed once.
    cpuSeconds = Math.max(cpuSeconds, ticks / TICKS_PER_SECOND);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { memory: { treeBytes, processBytes, process: processName }, cpuSeconds };
    },
  };
}

/** Bytes of all files under a folder. */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += folderBytes(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    } catch {
      // removed while walking
    }
  }
  return total;
}

/**
 * Samples the size of a folder until stopped; returns the peak. 250 ms: a file large enough to
 * matter takes longer than that to write.
 */
export function sampleFolder(dir: string, intervalMs = 250): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, folderBytes(dir));
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, folderBytes(dir));
    },
  };
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  return { busy: total - fields[3] - (fields[4] ?? 0), total };
}

/** Measures how busy all CPUs of the machine were between start and stop, as a fraction (1 = every core busy all the time). */
export function sampleCpu(): { stop(): number } {
  const start = machineTicks();
  return {
    stop: () => {
      const end = machineTicks();
      return end.total > start.total ? (end.busy - start.busy) / (end.total - start.total) : 0;
    },
  };
}

/** A file to watch for: its first sighting, or (`nonEmpty`) the first sighting with content. */
export interface Marker {
  readonly name: string;
  readonly nonEmpty?: boolean;
}

/**
 * Watches a folder for files to appear (a script's status files) every `intervalMs`; returns, for
 * each one seen, the milliseconds from `since` to its first sighting.
 */
export function watchMarkers(
  dir: string,
  markers: readonly Marker[],
  since: number,
  intervalMs = 50,
): { stop(): Record<string, number> } {
  const seen: Record<string, number> = {};
  const look = () => {
    for (const { name, nonEmpty } of markers) {
      if (seen[name] !== undefined) continue;
      try {
        const { size } = fs.statSync(path.join(dir, name));
        if (!nonEmpty || size > 0) seen[name] = Date.now() - since;
      } catch {
        // not there yet
      }
    }
  };
  look();
  const timer = setInterval(look, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return seen;
    },
  };
}
