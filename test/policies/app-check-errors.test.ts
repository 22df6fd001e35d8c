import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as kplus from 'cdk8s-plus-27';
import { AksStatefulValidationError, AzureDiskStorageClass, enableStatefulPolicies, markForFsBackup } from '../../lib';
import { AksStatefulValidationErrors } from '../../lib/core/aggregate-error';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-checks-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Two mistakes in one app: a removed API version and a StorageClass name used twice. */
function badApp() {
  const app = new App({ outdir });
  const chart = new Chart(app, 'team', { namespace: 'team' });
  new AzureDiskStorageClass(chart, 'fast', { name: 'fast' });
  new AzureDiskStorageClass(chart, 'fast-again', { name: 'fast', sku: 'Premium_LRS' });
  new ApiObject(chart, 'budget', {
    apiVersion: 'policy/v1beta1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
  });
  return { app, chart };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('app-wide check failures', () => {
  it('app.synth() throws one AksStatefulValidationErrors with every problem, each path, field, value and allowed', () => {
    const error = thrown(() => badApp().app.synth());
    expect(error).toBeInstanceOf(AksStatefulValidationErrors);
    expect(error).toBeInstanceOf(AksStatefulValidationError);
    const { problems, message } = error as AksStatefulValidationErrors;
    expect(problems.map((p) => [p.constructPath, p.field, p.value])).toEqual([
      ['team/fast-again/Resource', 'metadata.name', 'fast'],
      ['team/budget', 'apiVersion', 'policy/v1beta1'],
    ]);
    expect(problems[0].allowed).toMatch(/team\/fast\/Resource already defines StorageClass fast/);
    expect(problems[1].allowed).toMatch(/policy\/v1beta1 PodDisruptionBudget was removed, use policy\/v1/);
    expect(message).toMatch(
      /^2 problems in the app:\n- team\/fast-again\/Resource: metadata\.name "fast" is not allowed/,
    );
    // Not cdk8s's plain Error whose lines start with the validating construct's path ("[]").
    expect(message).not.toMatch(/^\s*\[/m);
    expect((error as Error).stack).toMatch(/^AksStatefulValidationErrors: 2 problems in the app:\n- team\/fast-again/);
  });

  it('synthesizing one chart (Testing.synth) and synthYaml throw the same typed error', () => {
    expect(thrown(() => Testing.synth(badApp().chart))).toBeInstanceOf(AksStatefulValidationErrors);
    expect(thrown(() => badApp().app.synthYaml())).toBeInstanceOf(AksStatefulValidationErrors);
  });

  it("an app of the team's own objects gets the checks once it asks for them (or uses markForFsBackup)", () => {
    const app = Testing.app();
    const chart = new Chart(app, 'own');
    new ApiObject(chart, 'cron', {
      apiVersion: 'batch/v1beta1',
      kind: 'CronJob',
      metadata: { name: 'report' },
      spec: {
        schedule: '@daily',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox' }] } } },
        },
      },
    });
    // Plain cdk8s: nothing of the library in the app, nothing checked.
    expect(() => Testing.synth(chart)).not.toThrow();
    enableStatefulPolicies(chart);
    expect(() => Testing.synth(chart)).toThrow(
      /own\/cron: apiVersion "batch\/v1beta1" is not allowed: an API version Kubernetes 1\.33 serves: batch\/v1beta1 CronJob was removed, use batch\/v1/,
    );
  });

  it("markForFsBackup turns the checks on for an app of the team's own objects", () => {
    const chart = new Chart(Testing.app(), 'own');
    const web = new kplus.Deployment(chart, 'web', {
      containers: [{ image: 'nginx:1.27', securityContext: { ensureNonRoot: false } }],
    });
    web.addVolume(kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'));
    new ApiObject(chart, 'pdb', {
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web' },
    });
    expect(() => Testing.synth(chart)).not.toThrow();
    markForFsBackup(web, ['cache']);
    expect(() => Testing.synth(chart)).toThrow(/own\/pdb: apiVersion "policy\/v1beta1" is not allowed/);
  });
});
