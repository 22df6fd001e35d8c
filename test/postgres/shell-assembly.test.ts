import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATED_MODULE, SHELL_DIR, assembleAll, assembleEntry, renderModule } from '../../scripts/assemble-shell';
import { SCRIPT_ENV } from '../../lib/postgres/script-env';

let dirs: string[] = [];
afterEach(() => {
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

/** A shell folder with the given files. */
function shellDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-shell-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'functions'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const ENTRY = (body: string, ...libraries: string[]) =>
  [
    '#!/usr/bin/env bash',
    '# A test entry.',
    ...libraries.flatMap((l) => [
      `# shellcheck source=functions/${l}.sh`,
      `source "\${BASH_SOURCE[0]%/*}/functions/${l}.sh"`,
    ]),
    body,
  ].join('\n');

describe('assembling a script from its entry and the functions it calls', () => {
  it('copies in the functions the entry calls and the ones they call, and no others', () => {
    const dir = shellDir({
      'functions/a.sh':
        '# A library.\n\n# Says one.\none() {\n  two\n}\n\ntwo() { echo two; }\n\nunused() { echo unused; }\n',
      'functions/b.sh': 'three() {\n  echo three\n}\n',
      'main.sh': ENTRY('one\nthree', 'a', 'b'),
    });
    const script = assembleEntry(dir, 'main.sh');
    expect(script.functions).toEqual(['one', 'two', 'three']);
    expect(script.description).toBe('A test entry.');
    expect(execFileSync('bash', ['--norc', '-c', script.text], { encoding: 'utf8' })).toBe('two\nthree\n');
    expect(script.text).not.toContain('unused');
    expect(script.text).not.toContain('source ');
    expect(script.text).toContain('# Says one.\none() {');
  });

  it('refuses a library with a top-level command (it would run in every script that sources it)', () => {
    const dir = shellDir({ 'functions/a.sh': 'one() { echo one; }\nrm -rf "$HOME"\n', 'main.sh': ENTRY('one', 'a') });
    expect(() => assembleEntry(dir, 'main.sh')).toThrow(
      /a\.sh:2: a function library holds only functions, found: rm -rf/,
    );
  });

  it('refuses a function defined in two libraries an entry sources', () => {
    const dir = shellDir({
      'functions/a.sh': 'one() { echo a; }\n',
      'functions/b.sh': 'one() { echo b; }\n',
      'main.sh': ENTRY('one', 'a', 'b'),
    });
    expect(() => assembleEntry(dir, 'main.sh')).toThrow(/function one is defined in two of the libraries/);
  });

  it('refuses an entry without the bash shebang', () => {
    const dir = shellDir({ 'main.sh': 'echo hi\n' });
    expect(() => assembleEntry(dir, 'main.sh')).toThrow(/first line must be #!\/usr\/bin\/env bash/);
  });
});

describe('the container scripts', () => {
  const scripts = assembleAll(SHELL_DIR);

  it('the committed lib/postgres/scripts.generated.ts is what the build assembles from the .sh files', () => {
    expect(fs.readFileSync(GENERATED_MODULE, 'utf8')).toBe(renderModule(scripts));
  });

  it('there is one script per environment contract', () => {
    expect(scripts.map((s) => s.name).sort()).toEqual(Object.keys(SCRIPT_ENV).sort());
  });

  it.each(scripts.map((s) => [s.name, s] as const))('%s: is bash that parses, with no source line left', (_, s) => {
    expect(spawnSync('bash', ['--norc', '-n', '-c', s.text]).status).toBe(0);
    expect(s.text).not.toMatch(/^\s*(source|\.) /m);
  });

  it.each(scripts.map((s) => [s.name, s] as const))(
    '%s: run without its environment, stops at once naming a variable it needs, and writes nothing',
    (name, s) => {
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-empty-'));
      dirs.push(cwd);
      const r = spawnSync('bash', ['--norc', '-c', s.text], {
        env: { PATH: process.env.PATH! },
        cwd,
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      const required: readonly string[] = SCRIPT_ENV[name as keyof typeof SCRIPT_ENV].required;
      expect(required.some((v) => r.stderr.includes(`${v}: parameter null or not set`))).toBe(true);
      expect(fs.readdirSync(cwd)).toEqual([]);
    },
  );
});
