/** Runs shell code (bash --norc: bash reads ~/.bashrc when its stdin is a socket, as node's is) with function libraries of lib/postgres/shell/functions sourced, as the unit tests of those functions do. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const FUNCTIONS_DIR = path.resolve(__dirname, '../../../lib/postgres/shell/functions');

export interface ShellResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Sources the given libraries (`common`, `postgres` …) into a bash with nothing in its environment
 * but PATH (plus `env`), sets STEP=test, and runs `code`.
 */
export function runFunctions(
  libraries: readonly string[],
  code: string,
  options: { readonly env?: Record<string, string>; readonly input?: string | Buffer; readonly cwd?: string } = {},
): ShellResult {
  const sources = libraries.map((l) => `source ${JSON.stringify(path.join(FUNCTIONS_DIR, `${l}.sh`))}`).join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', `${sources}\nSTEP=test\n${code}`], {
    env: { PATH: process.env.PATH!, ...options.env },
    input: options.input,
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `use` with a new scratch folder `dir` whose `bin` holds fake programs (name → bash lines
 * after the shebang; `programs` is given `dir`, where they may record what they saw) and the PATH
 * that puts them first, and removes the folder afterwards whatever happens.
 */
export function withFakePrograms<T>(
  programs: (dir: string) => Record<string, readonly string[]>,
  use: (dir: string, PATH: string) => T,
): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-fake-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const [name, lines] of Object.entries(programs(dir)))
      fs.writeFileSync(path.join(bin, name), ['#!/bin/bash', ...lines].join('\n'), { mode: 0o755 });
    return use(dir, `${bin}:${process.env.PATH}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
