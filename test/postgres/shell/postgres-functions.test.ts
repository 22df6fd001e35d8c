import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

/** A folder with a fake `pg_dump` that prints the given version text. */
const bins: string[] = [];
function fakeClient(versionText: string): Record<string, string> {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-pg-'));
  bins.push(bin);
  fs.writeFileSync(path.join(bin, 'pg_dump'), `#!/bin/sh\nprintf '%s\\n' '${versionText}'\n`, { mode: 0o755 });
  return { PATH: `${bin}:${process.env.PATH}` };
}
afterAll(() => bins.forEach((b) => fs.rmSync(b, { recursive: true, force: true })));

describe('client_major and client_version', () => {
  it.each([
    ['pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)', '17', '17.2'],
    ['pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', '15', '15.18'],
    ['pg_dump (PostgreSQL) 18beta1', '18', '18beta1'],
    ['pg_dump (PostgreSQL) 9.6.24', '9', '9.6.24'],
  ])('%s → major %s, version %s', (text, major, version) => {
    const env = fakeClient(text);
    expect(runFunctions(['common', 'postgres'], 'client_major pg_dump', { env }).stdout).toBe(`${major}\n`);
    expect(runFunctions(['common', 'postgres'], 'client_version pg_dump', { env }).stdout).toBe(`${version}\n`);
  });

  it('fails, quoting what it read, on a version it cannot parse', () => {
    const env = fakeClient('pg_dump from somewhere else 1.0');
    const r = runFunctions(['common', 'postgres'], 'client_major pg_dump; echo not reached', { env });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('FAILED: cannot read the version of pg_dump from: pg_dump from somewhere else 1.0');
  });
});
