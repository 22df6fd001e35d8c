/**
 * Writes the package's JavaScript (part of `npm run build`, after tsc has written the
 * declarations): the whole library as one CommonJS file, build/lib/index.js, and the Pulumi
 * entry point build/lib/pulumi/index.js, which takes the Pulumi layer from that same file.
 *
 * Why one file: Node resolves, reads and wraps every module of a package on its own; for the
 * library's ~120 modules that took 21–26 ms of every `cdk8s synth`, against 11–12 ms for the same
 * code in one file (docs/benchmarks.md). Why the Pulumi layer is in it too, initialised only when
 * `aks-stateful/pulumi` is required: both entry points must share one copy of every class and
 * registry (errors, constructs, synthesis sessions), and the main entry must not load @pulumi/*.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build/lib');
/** The property of the main entry's exports that initialises the Pulumi layer and returns its exports. */
const PULUMI_LAYER = 'aks-stateful.pulumi-layer';

// The entry: the public API, plus a hidden (symbol-keyed) way for the Pulumi entry to reach the
// layer inside this file. esbuild initialises a module reached through require() only when that
// call runs, so the layer and the @pulumi/* packages it imports stay unloaded until then.
const entry = [
  `module.exports = require(${JSON.stringify(path.join(ROOT, 'lib/index.ts'))});`,
  `Object.defineProperty(module.exports, Symbol.for(${JSON.stringify(PULUMI_LAYER)}), {`,
  `  value: () => require(${JSON.stringify(path.join(ROOT, 'lib/pulumi/index.ts'))}),`,
  '});',
].join('\n');

const result = buildSync({
  stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'aks-stateful-bundle-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: path.join(OUT, 'index.js'),
  // The consumer's own copies (peers), loaded by name; cdk8s-plus-27's modules only when needed.
  external: ['cdk8s', 'constructs', 'cdk8s-plus-27', 'cdk8s-plus-27/*', '@pulumi/*'],
  // Class and function names stay what the sources call them (error names, stack traces).
  keepNames: true,
  // Syntax only: lines and identifiers stay readable in a stack trace.
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const bundled = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('lib/'));
const pulumiEntry = [
  "'use strict';",
  '// The Pulumi layer lives in ../index.js with the rest of the library (one copy of every class).',
  `module.exports = require('../index.js')[Symbol.for(${JSON.stringify(PULUMI_LAYER)})]();`,
  '',
].join('\n');
fs.writeFileSync(path.join(OUT, 'pulumi/index.js'), pulumiEntry);

// tsc writes declarations only; per-module JavaScript left by an older build would sit unused beside the bundle.
let removed = 0;
const keep = new Set([path.join(OUT, 'index.js'), path.join(OUT, 'pulumi/index.js')]);
const sweep = (dir: string): void => {
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, item.name);
    if (item.isDirectory()) sweep(file);
    else if (file.endsWith('.js') && !keep.has(file)) {
      fs.rmSync(file);
      removed++;
    }
  }
};
sweep(OUT);
process.stdout.write(
  `bundled ${bundled.length} modules of lib/ into build/lib/index.js (${(fs.statSync(path.join(OUT, 'index.js')).size / 1024).toFixed(0)} KiB); removed ${removed} per-module files\n`,
);
