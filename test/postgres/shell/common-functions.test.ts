import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[test\] /;

describe('begin_script', () => {
  it('fails on a failing command and names it, with its status and line, in the log', () => {
    const r = runFunctions(['common'], 'begin_script\ntrue\nfalse\necho not reached');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(LOG_LINE);
    expect(r.stderr).toContain('FAILED: command exited with status 1 at line 5: false');
  });

  it('fails on an unset variable', () => {
    const r = runFunctions(['common'], 'begin_script\necho "$NOT_SET"\necho not reached');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('NOT_SET: unbound variable');
  });

  it('fails when any stage of a pipe fails, not only the last', () => {
    const r = runFunctions(['common'], 'begin_script\nfalse | cat\necho not reached');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('fails inside functions too (the ERR trap is inherited)', () => {
    const r = runFunctions(['common'], 'begin_script\nf() { false; echo not reached; }\nf');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('FAILED: command exited with status 1');
  });
});

describe('log and fail', () => {
  it('log writes one UTC-stamped line naming the step to stderr, nothing to stdout', () => {
    const r = runFunctions(['common'], 'TZ=Asia/Tokyo log "hello" "world"', { env: { TZ: 'Asia/Tokyo' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const [stamp] = r.stderr.split(' ');
    expect(Math.abs(Date.parse(stamp) - Date.now())).toBeLessThan(60_000);
    expect(r.stderr).toMatch(/^\S+ \[test\] hello world\n$/);
  });

  it('fail logs FAILED with the reason and exits 1', () => {
    const r = runFunctions(['common'], 'fail "the dump is empty"; echo not reached');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\[test\] FAILED: the dump is empty\n$/);
  });
});

describe('sha256_hex', () => {
  it('prints the SHA-256 of its input as hex, for binary data and for nothing', () => {
    const data = randomBytes(3 << 20);
    expect(runFunctions(['common'], 'sha256_hex', { input: data }).stdout).toBe(
      `${createHash('sha256').update(data).digest('hex')}\n`,
    );
    expect(runFunctions(['common'], 'sha256_hex', { input: '' }).stdout).toBe(
      `${createHash('sha256').digest('hex')}\n`,
    );
  });

  it('fails when openssl fails', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-openssl-'));
    try {
      fs.writeFileSync(path.join(bin, 'openssl'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
      const r = runFunctions(['common'], 'sha256_hex || echo "failed with $?"', {
        input: 'x',
        env: { PATH: `${bin}:${process.env.PATH}` },
      });
      expect(r.stdout).toBe('failed with 1\n');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
