import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-hashed-copy-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('hashed_copy', () => {
  it('copies its input unchanged, across many 1 MiB reads, and records its byte count and SHA-256', () => {
    const data = randomBytes(5 * 1024 * 1024 + 12345);
    const input = path.join(dir, 'input');
    fs.writeFileSync(input, data);
    const r = runFunctions(
      ['common', 'hashed-copy'],
      `cat "$IN" | hashed_copy "$DIR/copied.sum" | cat > "$DIR/copied"; echo "statuses \${PIPESTATUS[*]}"`,
      { env: { IN: input, DIR: dir } },
    );
    expect(r.stdout).toBe('statuses 0 0 0\n');
    expect(fs.readFileSync(path.join(dir, 'copied')).equals(data)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'copied.sum'), 'utf8')).toBe(`${data.length} ${sha256(data)}\n`);
  });

  it('records 0 bytes and the SHA-256 of nothing for an empty input', () => {
    const r = runFunctions(
      ['common', 'hashed-copy'],
      'hashed_copy "$DIR/empty.sum" > /dev/null && cat "$DIR/empty.sum"',
      {
        env: { DIR: dir },
        input: '',
      },
    );
    expect(r.stdout).toBe(`0 ${sha256(Buffer.alloc(0))}\n`);
  });

  it('enlarges the pipes it reads and writes to 1 MiB', () => {
    // The reader asks once it has a first byte: the copy enlarges both pipes before it writes any.
    const r = runFunctions(
      ['common', 'hashed-copy'],
      `printf x | hashed_copy "$DIR/sizes.sum" | perl -e 'read(STDIN, my $byte, 1); print fcntl(STDIN, 1032, 0), "\\n"'`,
      { env: { DIR: dir } },
    );
    expect(r.stdout).toBe(`${1 << 20}\n`);
    // The writer of its input sees that pipe enlarged once the copy has started.
    const w = runFunctions(
      ['common', 'hashed-copy'],
      `{ printf x; perl -e 'for (1 .. 200) { $size = fcntl(STDOUT, 1032, 0); last if $size == 1 << 20; select(undef, undef, undef, 0.05) } print STDERR "$size\n"'; } | hashed_copy "$DIR/input-size.sum" > /dev/null`,
      { env: { DIR: dir } },
    );
    expect(w.stderr).toBe(`${1 << 20}\n`);
  });

  it('fails with status 3, recording nothing, when its reader stops reading', () => {
    const input = path.join(dir, 'large');
    // More than the two pipes hold, so the copy is still writing when the reader leaves.
    fs.writeFileSync(input, randomBytes(8 << 20));
    const r = runFunctions(
      ['common', 'hashed-copy'],
      `hashed_copy "$DIR/stopped.sum" < "$IN" | head --bytes=10 > /dev/null; echo "status \${PIPESTATUS[0]}"`,
      { env: { IN: input, DIR: dir } },
    );
    expect(r.stdout).toBe('status 3\n');
    expect(r.stderr).toMatch(/\[test\] the reader of the stream stopped reading it/);
    expect(fs.existsSync(path.join(dir, 'stopped.sum'))).toBe(false);
  });

  it('fails with status 4 when it cannot write its summary, naming the file', () => {
    const r = runFunctions(
      ['common', 'hashed-copy'],
      'hashed_copy "$DIR/missing/x.sum" > /dev/null; echo "status $?"',
      {
        env: { DIR: dir },
        input: 'abc',
      },
    );
    expect(r.stdout).toBe('status 4\n');
    expect(r.stderr).toContain(path.join(dir, 'missing/x.sum'));
    expect(r.stderr).toMatch(/\[test\] copying the stream failed \(see above\)/);
  });

  it('names python3 when it cannot start', () => {
    const r = runFunctions(
      ['common', 'hashed-copy'],
      'PATH=/nonexistent hashed_copy "$DIR/none.sum" > /dev/null; echo "status $?"',
      { env: { DIR: dir }, input: 'abc' },
    );
    expect(r.stdout).toBe('status 127\n');
    expect(r.stderr).toMatch(/python3 exited with status 127 copying the stream/);
  });
});
