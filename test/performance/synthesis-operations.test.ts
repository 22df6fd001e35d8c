import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArkInstallation, AzureDiskStorageClass, AzureVolumeClaim } from '../../lib';
import { synthesisComputations, withinSynthesis } from '../../lib/core/synthesis-session';
import { buildFleet } from '../../scripts/bench/fleet';

// What makes synthesis linear, counted instead of timed: a regression fails here on any machine.
const serialize = ApiObject.prototype.toJson;
const calls = new Map<ApiObject, number>();
ApiObject.prototype.toJson = function counted(this: ApiObject) {
  calls.set(this, (calls.get(this) ?? 0) + 1);
  return serialize.call(this);
};
afterAll(() => {
  ApiObject.prototype.toJson = serialize;
});
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-ops-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('synthesis at fleet scale', () => {
  it('serializes each object once and runs the app-wide checks once per synthesis (200 teams)', () => {
    const app = buildFleet(new App({ outdir }), 200);
    calls.clear();
    app.synth();
    const objects = app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(objects.length).toBeGreaterThan(2400);
    expect(app.charts.length).toBe(202);
    const counts = objects.map((o) => calls.get(o) ?? 0);
    expect(Math.min(...counts)).toBe(1);
    expect(Math.max(...counts)).toBe(1);
    expect(synthesisComputations(app).get('app-checks')).toBe(1);
    // A second synthesis is a new unit of work: once more, not once per chart.
    calls.clear();
    app.synth();
    expect(Math.max(...objects.map((o) => calls.get(o) ?? 0))).toBe(1);
    expect(synthesisComputations(app).get('app-checks')).toBe(2);
  }, 120_000);

  it('prepares the app (validations, dependencies) once per synthesis, not once per chart (200 teams)', () => {
    const app = buildFleet(new App({ outdir }), 200);
    let validations = 0;
    let dependencyReads = 0;
    app.node.addValidation({ validate: () => (validations++, []) });
    // cdk8s reads every construct's dependencies when it resolves the app's: count one construct's.
    const probe = app.node.findAll().find((c) => c instanceof ApiObject)!;
    const dependencies = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(probe.node), 'dependencies')!;
    Object.defineProperty(probe.node, 'dependencies', {
      get() {
        dependencyReads++;
        return dependencies.get!.call(this);
      },
    });
    app.synth();
    expect(validations).toBe(1);
    // Twice by the one resolution (chart edges, then object edges), once by the order of the
    // app's charts, once by the order of the probe's chart: cdk8s alone reads them 2 × 203 + 2 times.
    expect(dependencyReads).toBe(4);
    validations = 0;
    dependencyReads = 0;
    app.synthYaml();
    expect(validations).toBe(1);
    expect(dependencyReads).toBe(4);
    expect(app.charts.length).toBe(202);
    // Outside a session a single chart prepares the whole app, as cdk8s does.
    validations = 0;
    app.charts[0].toJson();
    app.charts[1].toJson();
    expect(validations).toBe(2);
  }, 120_000);

  it('writes the same objects in the same order as charts prepared one by one', () => {
    /** The three-team fleet plus edges that only the preparation turns into object edges. */
    const build = () => {
      const app = buildFleet(new App({ outdir }), 3);
      const last = new Chart(app, 'zz-last');
      // Construct-level: the group holding "a" (declared first) depends on the one holding "b".
      const groupA = new Construct(last, 'group-a');
      const groupB = new Construct(last, 'group-b');
      new ApiObject(groupA, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      new ApiObject(groupB, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
      groupA.node.addDependency(groupB);
      // Across charts: onto the shared Velero installation.
      const velero = app.node.findAll().find((c) => c instanceof ArkInstallation);
      expect(velero).toBeDefined();
      last.node.addDependency(velero!);
      return app;
    };
    const byChart = (app: App, synthesize: (charts: Chart[]) => any[][]) => {
      const charts = app.charts;
      const objects = synthesize(charts);
      return new Map(charts.map((chart, i) => [chart.node.path, objects[i]]));
    };
    // Outside a session every chart.toJson() prepares the whole app itself (cdk8s's own path).
    const alone = byChart(build(), (charts) => charts.map((chart) => chart.toJson()));
    const sessionApp = build();
    const together = byChart(sessionApp, (charts) =>
      withinSynthesis(sessionApp, () => charts.map((chart) => chart.toJson())),
    );
    expect(together).toEqual(alone);
    expect(together.get('zz-last')!.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['b', 'a']);
  });

  it('validates again in a session after a synthesis that failed', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'team');
    new AzureDiskStorageClass(chart, 'disks', {});
    let invalid = true;
    chart.node.addValidation({ validate: () => (invalid ? ['not yet'] : []) });
    withinSynthesis(app, () => {
      expect(() => app.synthYaml()).toThrow(/not yet/);
      // The failed synthYaml() did not leave the session marked as prepared.
      expect(() => chart.toJson()).toThrow(/not yet/);
      invalid = false;
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  it('sees a tree changed between two synth() calls', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'team', { namespace: 'team' });
    const disks = new AzureDiskStorageClass(chart, 'disks', {});
    const claim = new AzureVolumeClaim(chart, 'data', { name: 'data', size: '10Gi', storageClass: disks });
    app.synth();
    // Two pods on one ReadWriteOnce disk (Multi-Attach), added after the first synthesis.
    const pod = (replicas: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'writer' },
      spec: {
        replicas,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'writer' } },
        template: {
          metadata: { labels: { app: 'writer' } },
          spec: {
            containers: [{ name: 'w', image: 'busybox:1.37' }],
            volumes: [{ name: 'd', persistentVolumeClaim: { claimName: claim.name } }],
          },
        },
      },
    });
    const writer = new ApiObject(chart, 'writer', pod(1));
    app.synth();
    writer.addJsonPatch(JsonPatch.replace('/spec/replicas', 2));
    expect(() => app.synth()).toThrow(/writer.*ReadWriteOnce|ReadWriteOnce.*writer/s);
  });
});
