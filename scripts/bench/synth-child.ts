/**
 * One measurement of the synthesis benchmark, in a process of its own (run by
 * scripts/bench-synth.ts): `library <teams> <outdir> <objects.json>` builds the fleet with the
 * library's constructs and writes the synthesized objects per chart; `bare <objects.json> <outdir>`
 * builds the very same objects as plain cdk8s ApiObjects in charts of the same grouping. Prints one
 * JSON line with CPU seconds per phase, peak RSS and the object count.
 */
import * as fs from 'node:fs';
import { ApiObject, App, Chart } from 'cdk8s';
import { listAzureRequirements } from '../../lib';
import { withinSynthesis } from '../../lib/core/synthesis-session';
import { buildFleet } from './fleet';

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const [mode, ...rest] = process.argv.slice(2);
const start = cpu();
let app: App;
let objects = 0;
let requirementsSeconds: number | undefined;
if (mode === 'library') {
  const [teams, outdir] = rest;
  app = buildFleet(new App({ outdir }), Number(teams));
} else {
  const [input, outdir] = rest;
  const charts = JSON.parse(fs.readFileSync(input, 'utf8')) as { id: string; objects: Record<string, unknown>[] }[];
  app = new App({ outdir });
  for (const { id, objects: list } of charts) {
    const chart = new Chart(app, id);
    list.forEach((object, i) => new ApiObject(chart, `o${i}`, object as never));
  }
}
const constructed = cpu();
app.synth();
const synthesized = cpu();
if (mode === 'library') {
  // The best of three: one listing takes milliseconds, where a single GC pause would dominate.
  requirementsSeconds = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = cpu();
    listAzureRequirements(app);
    requirementsSeconds = Math.min(requirementsSeconds, cpu() - before);
  }
  const [, , output] = rest;
  if (output === '-') process.exit(0);
  // The baseline is built from these: the same objects in the same charts and order.
  // One session: cdk8s validates the whole app in every chart.toJson(), the session makes that once.
  const charts = withinSynthesis(app, () =>
    app.charts.map((chart) => ({ id: chart.node.id, objects: chart.toJson() })),
  );
  fs.writeFileSync(output, JSON.stringify(charts));
}
for (const chart of app.charts) objects += chart.node.findAll().filter((c) => c instanceof ApiObject).length;
process.stdout.write(
  `${JSON.stringify({
    construct: constructed - start,
    synth: synthesized - constructed,
    requirements: requirementsSeconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    objects,
  })}\n`,
);
