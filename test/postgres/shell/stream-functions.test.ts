import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

let scratch: string;

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-stream-'));
});

afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs the wait `wait` with `before` run first (in the background, to write the fetch's markers late). */
function runWait(wait: 'await_sent' | 'await_fetch', before: string, waitSeconds = 5) {
  return runFunctions(['common', 'stream'], `${before}\n${wait} && echo returned`, {
    env: { SCRATCH_DIR: scratch, FETCH_WAIT_SECONDS: String(waitSeconds) },
  });
}
const awaitSent = (before: string, waitSeconds?: number) => runWait('await_sent', before, waitSeconds);
const awaitFetch = (before: string, waitSeconds?: number) => runWait('await_fetch', before, waitSeconds);

describe('await_sent', () => {
  it("returns once the fetch container's count and checksum appear", () => {
    const r = awaitSent('{ sleep 0.3; printf "3 abc\\n" > "$SCRATCH_DIR/sent"; } &');
    expect(r.stdout).toBe('returned\n');
    expect(r.status).toBe(0);
  });

  it('fails when the fetch container fails before recording them', () => {
    const r = awaitSent('{ sleep 0.3; printf "failed\\n" > "$SCRATCH_DIR/fetch-failed"; } &');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/FAILED: the fetch container failed \(see its log\): the stream is unverified/);
  });

  it('gives up after FETCH_WAIT_SECONDS when neither appears', () => {
    const started = Date.now();
    const r = awaitSent(':', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /FAILED: the fetch container recorded no count and checksum of the stream within 1 s of its end/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('await_fetch', () => {
  it('fails when the fetch container fails before finding the dump', () => {
    const r = awaitFetch('{ sleep 0.3; printf "failed\\n" > "$SCRATCH_DIR/fetch-failed"; } &');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/FAILED: the fetch container failed \(see its log\): nothing was restored/);
  });

  it('gives up after FETCH_WAIT_SECONDS when the fetch container finds nothing', () => {
    const started = Date.now();
    const r = awaitFetch(':', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: the fetch container found no dump within 1 s: nothing was restored/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a record without a checksum', () => {
    const r = awaitFetch(
      '{ sleep 0.3; printf "blob=b.dump\\nsize=3\\nsha256=nothex\\n" > "$SCRATCH_DIR/fetched"; : > "$SCRATCH_DIR/fetched.ready"; } &',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: the fetch container recorded no blob, size or checksum/);
  });
});
