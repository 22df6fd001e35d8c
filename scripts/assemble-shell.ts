/**
 * Assembles the containers' shell scripts (`npm run build` runs it; `-- --check` only reports
 * whether the committed output is current). Each entry script in lib/postgres/shell/ sources
 * function libraries from functions/ so that shellcheck and the unit tests see real files; the
 * manifest gets one self-contained text instead: the entry with its `source` lines replaced by just
 * the functions it calls, directly or through other functions. The output is the TypeScript module
 * lib/postgres/scripts.generated.ts, committed so that the library works from a fresh clone before
 * any build, and checked to be current by test/postgres/shell-assembly.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A function of a library file, with the comment lines right above it. */
export interface ShellFunction {
  readonly name: string;
  /** Comment and definition, as written. */
  readonly text: string;
  /** Its definition without comments: what calls are looked for in. */
  readonly code: string;
}

const DEFINITION = /^([a-z_][a-z0-9_]*)\(\) \{(.*)$/;
const SOURCE_LINE = /^source "\$\{BASH_SOURCE\[0\]%\/\*\}\/(functions\/[a-z0-9-]+\.sh)"$/;

function codeOf(lines: readonly string[]): string {
  return lines.filter((l) => !/^\s*#/.test(l)).join('\n');
}

/**
 * The functions of a library file. A library holds only function definitions (and comments): any
 * other top-level command would run in every script that sources it, whether it needs it or not.
 */
export function parseLibrary(file: string, text: string): ShellFunction[] {
  const lines = text.split('\n');
  const functions: ShellFunction[] = [];
  let comments: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') {
      comments = [];
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      continue;
    }
    const match = DEFINITION.exec(line);
    if (!match) throw new Error(`${file}:${i + 1}: a function library holds only functions, found: ${line}`);
    const body = [line];
    // shfmt writes a function either on one line (`f() { …; }`) or with its closing brace alone at column 0.
    if (!/; \}$/.test(match[2])) {
      while (lines[++i] !== '}') {
        if (i >= lines.length) throw new Error(`${file}: function ${match[1]} has no closing brace at column 0`);
        body.push(lines[i]);
      }
      body.push('}');
    }
    functions.push({ name: match[1], text: [...comments, ...body].join('\n'), code: codeOf(body) });
    comments = [];
  }
  return functions;
}

/** Every function a text calls, and the ones those call, in the libraries' order. */
export function calledFunctions(code: string, available: readonly ShellFunction[]): ShellFunction[] {
  const byName = new Map(available.map((f) => [f.name, f]));
  const needed = new Set<string>();
  const visit = (text: string) => {
    for (const word of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      const called = byName.get(word);
      if (called && !needed.has(word)) {
        needed.add(word);
        visit(called.code);
      }
    }
  };
  visit(code);
  return available.filter((f) => needed.has(f.name));
}

/** An assembled script and the description its entry file starts with. */
export interface AssembledScript {
  readonly name: string;
  readonly description: string;
  readonly text: string;
  /** The functions copied in. */
  readonly functions: readonly string[];
}

/** Assembles one entry script (`dump.sh` …) of `dir`. */
export function assembleEntry(dir: string, entry: string): AssembledScript {
  const lines = fs.readFileSync(path.join(dir, entry), 'utf8').split('\n');
  if (lines[0] !== '#!/usr/bin/env bash') throw new Error(`${entry}: the first line must be #!/usr/bin/env bash`);
  let i = 1;
  const description: string[] = [];
  while (lines[i]?.startsWith('# ') && !lines[i].startsWith('# shellcheck ')) description.push(lines[i++].slice(2));
  const libraries: ShellFunction[] = [];
  const body: string[] = [];
  let insertAt = -1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('# shellcheck source=')) continue;
    const source = SOURCE_LINE.exec(line);
    if (source) {
      const file = path.join(dir, source[1]);
      libraries.push(...parseLibrary(source[1], fs.readFileSync(file, 'utf8')));
      if (insertAt < 0) insertAt = body.length;
      continue;
    }
    body.push(line);
  }
  const names = libraries.map((f) => f.name);
  const twice = names.find((n, k) => names.indexOf(n) !== k);
  if (twice) throw new Error(`${entry}: function ${twice} is defined in two of the libraries it sources`);
  const functions = calledFunctions(codeOf(body), libraries);
  const text = [
    ...body.slice(0, Math.max(insertAt, 0)),
    ...functions.flatMap((f) => [f.text, '']),
    ...body.slice(Math.max(insertAt, 0)),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return {
    name: entry.replace(/\.sh$/, ''),
    description: description.join(' '),
    text: `${text}\n`,
    functions: functions.map((f) => f.name),
  };
}

/** The entry scripts of `dir`, assembled, by name. */
export function assembleAll(dir: string): AssembledScript[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sh'))
    .sort()
    .map((f) => assembleEntry(dir, f));
}

function templateLiteral(text: string): string {
  return '`' + text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/** The generated module: one exported constant per script, `<NAME>_SCRIPT`. */
export function renderModule(scripts: readonly AssembledScript[]): string {
  const parts = [
    '// Generated by scripts/assemble-shell.ts from lib/postgres/shell/ (npm run build): do not edit.',
    '// Each constant is an entry script with the functions it calls copied in.',
    '',
  ];
  for (const s of scripts) {
    parts.push(`/** ${s.description} (lib/postgres/shell/${s.name}.sh) */`);
    parts.push(`export const ${s.name.toUpperCase().replace(/-/g, '_')}_SCRIPT = ${templateLiteral(s.text)};`, '');
  }
  return parts.join('\n');
}

export const SHELL_DIR = path.resolve(__dirname, '../lib/postgres/shell');
export const GENERATED_MODULE = path.resolve(__dirname, '../lib/postgres/scripts.generated.ts');

if (require.main === module) {
  const rendered = renderModule(assembleAll(SHELL_DIR));
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(GENERATED_MODULE) ? fs.readFileSync(GENERATED_MODULE, 'utf8') : '';
    if (current !== rendered) {
      console.error(`${path.relative(process.cwd(), GENERATED_MODULE)} is out of date: run npm run build`);
      process.exit(1);
    }
  } else if (!fs.existsSync(GENERATED_MODULE) || fs.readFileSync(GENERATED_MODULE, 'utf8') !== rendered) {
    fs.writeFileSync(GENERATED_MODULE, rendered);
  }
}
