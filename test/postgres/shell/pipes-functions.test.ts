import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

/** perl printing the size of the pipe on its standard input (F_GETPIPE_SZ) once a first byte has come through it. */
const PIPE_SIZE = `/usr/bin/perl -e 'read(STDIN, my $byte, 1); print fcntl(STDIN, 1032, 0), "\\n"'`;

describe('enlarge_pipes', () => {
  it('enlarges the pipes behind the descriptors given to 1 MiB, read ends and write ends', () => {
    const r = runFunctions(
      ['pipes'],
      [
        `printf x | { enlarge_pipes 0; ${PIPE_SIZE}; }`,
        // A write end held by the shell: the reader sees the size set through it.
        `exec {out}> >(${PIPE_SIZE})`,
        'enlarge_pipes "$out"',
        'printf x >&"$out"',
        'exec {out}>&-',
        'wait',
      ].join('\n'),
    );
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([String(1 << 20), String(1 << 20)]);
    expect(r.stderr).toBe('');
  });

  it('leaves the pipes as they are, and succeeds quietly, without perl', () => {
    const r = runFunctions(
      ['pipes'],
      `printf x | { PATH=/nonexistent enlarge_pipes 0; echo "status $?"; ${PIPE_SIZE}; }`,
    );
    expect(r.stdout).toBe(`status 0\n${64 * 1024}\n`);
    expect(r.stderr).toBe('');
  });

  it('succeeds quietly for a descriptor that is no pipe or is not open', () => {
    const r = runFunctions(['pipes'], 'enlarge_pipes 0 9 < /dev/null; echo "status $?"');
    expect(r.stdout).toBe('status 0\n');
    expect(r.stderr).toBe('');
  });
});
