/**
 * Samplers for the backup benchmark: peak resident memory of a process and everything it starts
 * (what a container's memory limit sees, page cache aside), and peak bytes in a folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PAGE_KIB = 4;

/** Resident set size of one process in bytes, or 0 when it has exited. */
function rssBytes(pid: number): number {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE_KIB * 1024;
  } catch {
    return 0;
  }
}

/** Children of one process, from each of its threads' `children` list (only the tree is read, not all of /proc). */
function children(pid: number): number[] {
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

/** Peak memory of a process tree. */
export interface MemoryPeak {
  /** Largest sum of RSS over the tree at one instant. */
  readonly treeBytes: number;
  /** Largest RSS of a single process, and its command. */
  readonly processBytes: number;
  readonly process: string;
}

/** Samples the tree under `pid` every `intervalMs` until stopped. */
export function sampleMemory(pid: number, intervalMs = 50): { stop(): MemoryPeak } {
  let treeBytes = 0;
  let processBytes = 0;
  let processName = '';
  const sample = () => {
    let sum = 0;
    for (const p of tree(pid)) {
      const rss = rssBytes(p);
      sum += rss;
      if (rss > processBytes) {
        processBytes = rss;
        try {
          processName = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
        } catch {
          // exited
        }
      }
    }
    treeBytes = Math.max(treeBytes, sum);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { treeBytes, processBytes, process: processName };
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

/** Samples the size of a folder until stopped; returns the peak. */
export function sampleFolder(dir: string, intervalMs = 100): { stop(): number } {
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
function cpuTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  return { busy: total - fields[3] - (fields[4] ?? 0), total };
}

/** Measures how busy all CPUs of the machine were between start and stop, as a fraction (1 = every core busy all the time). */
export function sampleCpu(): { stop(): number } {
  const start = cpuTicks();
  return {
    stop: () => {
      const end = cpuTicks();
      return end.total > start.total ? (end.busy - start.busy) / (end.total - start.total) : 0;
    },
  };
}
