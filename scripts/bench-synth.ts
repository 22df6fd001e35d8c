/**
 * Synthesis benchmark (`npm run bench:synth`; `-- --update-docs` rewrites the table in
 * docs/benchmarks.md; `-- --teams 1,10,100` picks the sizes). For each size, in processes of their
 * own: the fleet app of scripts/bench/fleet.ts built and synthesized with the library, and the very
 * same objects as bare cdk8s ApiObjects (checked byte-identical), CPU seconds per phase, the
 * requirement listing, peak RSS, objects per second, the ratio and the growth 100 → 1000. Then the
 * cold start: requiring the compiled package and synthesizing a one-team app against a one-object
 * cdk8s app and against the one-team app's objects as bare ApiObjects, all compiled. A size whose library run exceeds `--max-seconds` (default 900)
 * is reported as killed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = option('teams', '1,10,100,1000').split(',').map(Number);
const MAX_SECONDS = Number(option('max-seconds', '900'));
const ROOT = path.resolve(__dirname, '..');
const DOCS = path.join(ROOT, 'docs/benchmarks.md');
const CHILD = path.join(__dirname, 'bench/synth-child.ts');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

interface Run {
  construct: number;
  synth: number;
  requirements?: number;
  peakRssMiB: number;
  objects: number;
}

function child(childArgs: string[]): Run | undefined {
  const result = spawnSync(process.execPath, [TSX, CHILD, ...childArgs], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: MAX_SECONDS * 1000,
    maxBuffer: 1 << 24,
  });
  if (result.error || result.status !== 0) {
    if (result.signal) return undefined;
    throw new Error(`synth child ${childArgs[0]} failed: ${result.stderr || result.error}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Run;
}

function sameFiles(a: string, b: string): boolean {
  const list = (dir: string) => fs.readdirSync(dir).sort();
  const names = list(a);
  return (
    names.join() === list(b).join() &&
    names.every((n) => fs.readFileSync(path.join(a, n)).equals(fs.readFileSync(path.join(b, n))))
  );
}

const rows: string[] = [];
const results = new Map<number, { lib?: Run; bare: Run }>();
for (const teams of SIZES) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${teams}-`));
  const objects = path.join(dir, 'objects.json');
  const lib = child(['library', String(teams), path.join(dir, 'library'), objects]);
  if (!lib) {
    rows.push(`| ${teams} | killed after ${MAX_SECONDS} s | | | | | | |`);
    process.stdout.write(`${teams} teams: library run killed after ${MAX_SECONDS} s\n`);
    continue;
  }
  const bare = child(['bare', objects, path.join(dir, 'bare')])!;
  if (!sameFiles(path.join(dir, 'library'), path.join(dir, 'bare')))
    throw new Error(`${teams} teams: the baseline's output differs from the library's`);
  results.set(teams, { lib, bare });
  const libTotal = lib.construct + lib.synth;
  const bareTotal = bare.construct + bare.synth;
  rows.push(
    `| ${teams} | ${lib.objects} | ${lib.construct.toFixed(2)} + ${lib.synth.toFixed(2)} s | ${lib.requirements!.toFixed(3)} s | ${bareTotal.toFixed(2)} s | ` +
      `**${(libTotal / bareTotal).toFixed(2)} ×** | ${Math.round(lib.objects / libTotal)} | ${lib.peakRssMiB.toFixed(0)} / ${bare.peakRssMiB.toFixed(0)} MiB |`,
  );
  process.stdout.write(`${rows.at(-1)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

const growth = (pick: (r: { lib?: Run; bare: Run }) => number | undefined) => {
  const a = results.get(100);
  const b = results.get(1000);
  const x = a && pick(a);
  const y = b && pick(b);
  return x && y ? `${(y / x).toFixed(1)} ×` : 'n/a';
};
const growthLine =
  `Growth 100 → 1000 teams: library ${growth((r) => r.lib && r.lib.construct + r.lib.synth)}, bare cdk8s ${growth((r) => r.bare.construct + r.bare.synth)}, ` +
  `requirement listing (best of 3) ${growth((r) => r.lib?.requirements)} (linear: 10 ×).`;

// Cold start on compiled JavaScript, as a consumer runs it: the package as `npm run build` makes
// it (one bundle, build/lib/index.js) and the fleet compiled into build/bench, requiring the
// package by its name.
execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
  cwd: ROOT,
  stdio: 'inherit',
});
execFileSync(
  process.execPath,
  [
    path.join(ROOT, 'node_modules/typescript/bin/tsc'),
    'scripts/bench/fleet.ts',
    '--outDir',
    'build/bench',
    '--rootDir',
    '.',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'ES2022',
    '--esModuleInterop',
    '--skipLibCheck',
    '--types',
    'node',
    '--ignoreConfig',
  ],
  { cwd: ROOT, stdio: 'inherit' },
);
const FLEET_JS = path.join(ROOT, 'build/bench/scripts/bench/fleet.js');
const fleetJs = fs.readFileSync(FLEET_JS, 'utf8');
const LIB_REQUIRE = 'require("../../lib")';
if (!fleetJs.includes(LIB_REQUIRE))
  throw new Error(`${FLEET_JS} no longer contains ${LIB_REQUIRE}: update the cold start`);
fs.writeFileSync(FLEET_JS, fleetJs.split(LIB_REQUIRE).join('require("aks-stateful")'));
const coldLibrary =
  `const { App } = require('cdk8s'); const { buildFleet } = require('${FLEET_JS}');` +
  " buildFleet(new App({ outdir: require('os').tmpdir() + '/cold-lib' }), 1).synth();";
const coldBare =
  "const { App, Chart, ApiObject } = require('cdk8s'); const app = new App({ outdir: require('os').tmpdir() + '/cold-bare' });" +
  " new ApiObject(new Chart(app, 'one'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } }); app.synth();";
// Each program is a file in build/bench (an argument of 150 KB would exceed the kernel's limit).
let programs = 0;
const time = (code: string) => {
  const program = path.join(ROOT, 'build/bench', `cold-start-${programs++}.js`);
  fs.writeFileSync(program, code);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const startedAt = process.hrtime.bigint();
    execFileSync(process.execPath, [program], { cwd: ROOT });
    best = Math.min(best, Number(process.hrtime.bigint() - startedAt) / 1e6);
  }
  return best;
};
// cdk8s's own floor for this output: the one-team fleet's objects as bare ApiObjects, the JSON
// inlined in the program (no JSON file read), in charts of the same grouping.
const coldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-cold-'));
child(['library', '1', path.join(coldDir, 'library'), path.join(coldDir, 'objects.json')]);
const coldObjectsJson = fs.readFileSync(path.join(coldDir, 'objects.json'), 'utf8');
const coldObjectCount = (JSON.parse(coldObjectsJson) as { objects: unknown[] }[]).reduce(
  (n, c) => n + c.objects.length,
  0,
);
const coldSameObjects =
  `const charts = ${coldObjectsJson};` +
  " const { App, Chart, ApiObject } = require('cdk8s'); const app = new App({ outdir: require('os').tmpdir() + '/cold-same' });" +
  " for (const { id, objects } of charts) { const chart = new Chart(app, id); objects.forEach((o, i) => new ApiObject(chart, 'o' + i, o)); }" +
  ' app.synth();';
fs.rmSync(coldDir, { recursive: true, force: true });
const coldLib = time(coldLibrary);
const coldOne = time(coldBare);
const coldSame = time(coldSameObjects);
const coldLine =
  `Cold start (best of 5, wall): require + one-team fleet ${coldLib.toFixed(0)} ms, one-object cdk8s app ${coldOne.toFixed(0)} ms: **${(coldLib / coldOne).toFixed(2)} ×**; ` +
  `the fleet's ${coldObjectCount} objects as bare ApiObjects ${coldSame.toFixed(0)} ms (${(coldSame / coldOne).toFixed(2)} ×, cdk8s's own floor for this output).`;
process.stdout.write(`${growthLine}\n${coldLine}\n`);

const table = [
  '| teams | objects | library: construct + synth (CPU) | requirement listing | bare cdk8s (CPU) | ratio | objects/s | peak RSS library / bare |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  growthLine,
  '',
  coldLine,
].join('\n');
process.stdout.write(`\n${table}\n`);
if (args.includes('--update-docs')) {
  const doc = fs.readFileSync(DOCS, 'utf8');
  const begin = '<!-- bench:synth begin -->';
  const end = '<!-- bench:synth end -->';
  if (!doc.includes(begin)) throw new Error(`${DOCS} has no ${begin} marker`);
  fs.writeFileSync(
    DOCS,
    `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${table}\n${doc.slice(doc.indexOf(end))}`,
  );
}
