import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The constructs emit their objects without cdk8s-plus (lib/core/kube-objects.ts,
 * lib/workloads/plain-containers.ts): a program that passes no cdk8s-plus value never loads it
 * (its generated module alone took 17-21 ms of every cold start: docs/benchmarks.md). Checked in a
 * process of its own, since this one has loaded cdk8s-plus for other tests.
 */

const ROOT = path.resolve(__dirname, '../..');

/** The cdk8s-plus-27 modules a fresh process has loaded after running `code` (CommonJS, tsx). */
function cdk8sPlusModulesAfter(code: string): { plus: string[]; cdk8s: boolean } {
  const outdir = path.join(os.tmpdir(), `plus-loading-${process.pid}`);
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `const { App } = require('cdk8s'); const app = new App({ outdir: ${JSON.stringify(outdir)} });
${code}
app.synth();
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({ plus: loaded.filter((k) => k.includes('cdk8s-plus-27')), cdk8s: loaded.some((k) => k.includes('/cdk8s/lib/')) }));`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('cdk8s-plus at run time', () => {
  it('is not loaded by the synthesis benchmark fleet, which passes no cdk8s-plus value', () => {
    const loaded = cdk8sPlusModulesAfter("require('./scripts/bench/fleet.ts').buildFleet(app, 2);");
    expect(loaded.cdk8s).toBe(true);
    expect(loaded.plus).toEqual([]);
  });

  it('is loaded when a cdk8s-plus value is given, and when a set hands out its containers', () => {
    const probe = cdk8sPlusModulesAfter(`
const kplus = require('cdk8s-plus-27/lib/probe');
const { ZonalStatefulSet } = require('./lib');
const { Chart } = require('cdk8s');
new ZonalStatefulSet(new Chart(app, 'c'), 's', { zones: ['westeurope-1'], containers: [{ image: 'busybox:1.37', readiness: kplus.Probe.fromCommand(['true']) }] });`);
    expect(probe.plus.some((m) => m.endsWith('/lib/pod.js'))).toBe(true);
    const handedOut = cdk8sPlusModulesAfter(`
const { ZonalStatefulSet } = require('./lib');
const { Chart } = require('cdk8s');
new ZonalStatefulSet(new Chart(app, 'c'), 's', { zones: ['westeurope-1'], containers: [{ image: 'busybox:1.37' }] }).containers;`);
    expect(handedOut.plus.some((m) => m.endsWith('/lib/container.js'))).toBe(true);
  });
});
