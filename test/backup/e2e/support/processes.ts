/** Small process helpers for the end-to-end harness: run, capture, find children, free ports. */
import { spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** What a finished process left behind. */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, as a pod's log would show them. */
  readonly output: string;
}

/** Options of {@link run}: spawn options, stdin text, a time limit, and a callback with the pid. */
export type RunOptions = SpawnOptions & { input?: string; timeoutMs?: number; onSpawn?: (pid: number) => void };

/** Runs a program to completion, capturing its output; never throws for a non-zero exit. */
export function run(program: string, args: string[], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const { input, timeoutMs, onSpawn, ...spawnOptions } = options;
    const child = spawn(program, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.on('spawn', () => onSpawn?.(child.pid!));
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    const timer = timeoutMs ? setTimeout(() => killGroup(child.pid!), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, output });
    });
    // A program that exits without reading its input closes the pipe first (EPIPE); its exit
    // status is what counts, so that write error is not a failure of the run.
    child.stdin!.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin!.end(input ?? '');
  });
}

/** Runs a program and throws with its output unless it exits 0; returns stdout and stderr. */
export async function runOk(program: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(program, args, options);
  if (result.code !== 0)
    throw new Error(`${program} ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.output}`);
  return result.output;
}

/** Kills a process group this harness started (spawned detached, so the group id is its pid). */
export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Pids of every live descendant of `pid`, with their command names. */
export function descendants(pid: number): Array<{ pid: number; command: string }> {
  const parents = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      names.set(Number(entry), command);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while listing
    }
  }
  const found: Array<{ pid: number; command: string }> = [];
  const queue = [...(parents.get(pid) ?? [])];
  while (queue.length > 0) {
    const child = queue.shift()!;
    found.push({ pid: child, command: names.get(child) ?? '?' });
    queue.push(...(parents.get(child) ?? []));
  }
  return found;
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A temporary directory owned by `uid`/`gid` (the user the containers run as). */
export function ownedTempDir(prefix: string, uid: number, gid: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (process.getuid?.() === 0) fs.chownSync(dir, uid, gid);
  return dir;
}

/** Bytes a process has written so far (/proc/<pid>/io wchar), 0 once it is gone. */
export function writtenBytes(pid: number): number {
  try {
    return Number(/^wchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
