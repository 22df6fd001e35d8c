import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AzureDiskStorageClass, AzureVolumeClaim } from '../../lib';
import { synthesisComputations } from '../../lib/core/synthesis-session';
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
