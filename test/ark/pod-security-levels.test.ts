/**
 * Pod Security levels of everything lib/ark renders (issue 12), checked with the rules of the
 * published standard (./pod-security.ts): the server, its init containers and the CRD job meet
 * "restricted"; the node agent is the only pod that needs "privileged"; Velero's namespace is
 * labelled at the strictest level its pods meet and admits each of them. The ark examples included.
 */
import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addArkPrimaryExample, addArkRestoreExample } from '../../examples/ark';
import { DEFAULT_EXAMPLE_SETTINGS } from '../../examples/settings';
import { Level, admits, podSecurityLevel, podSpecOf, restrictedViolations } from './pod-security';
import { SERVICE_PRINCIPAL, synthInstall } from './fixtures';

const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'];

/** Each pod-bearing object's level, and the level its namespace enforces. */
function levels(objects: any[]) {
  const enforced = new Map<string, Level>(
    objects
      .filter((o) => o.kind === 'Namespace')
      .map((o) => [o.metadata.name, o.metadata.labels?.['pod-security.kubernetes.io/enforce']]),
  );
  return objects
    .filter((o) => POD_KINDS.includes(o.kind))
    .map((o) => ({
      object: `${o.kind}/${o.metadata.name}`,
      level: podSecurityLevel(podSpecOf(o)),
      problems: restrictedViolations(podSpecOf(o)),
      namespace: enforced.get(o.metadata.namespace),
    }));
}

describe('Pod Security of the Velero installation', () => {
  it('without the node agent: every pod is restricted and the namespace enforces restricted', () => {
    const found = levels(synthInstall().objects);
    expect(found.map((f) => f.object).sort()).toEqual(['Deployment/velero', 'Job/velero-install-crds-v1-18-1']);
    for (const f of found) {
      expect(f.problems, f.object).toEqual([]);
      expect(f.namespace, f.object).toBe('restricted');
    }
  });

  it('with the node agent: it is the only privileged pod, and the namespace is privileged for it', () => {
    for (const nodeAgent of [true, { privileged: true }]) {
      const found = levels(synthInstall({ nodeAgent, auth: SERVICE_PRINCIPAL }).objects);
      const notRestricted = found.filter((f) => f.level !== 'restricted');
      expect(notRestricted.map((f) => [f.object, f.level])).toEqual([['DaemonSet/node-agent', 'privileged']]);
      for (const f of found) {
        expect(f.namespace, f.object).toBe('privileged');
        expect(admits(f.namespace!, f.level), f.object).toBe(true);
      }
    }
  });

  it('the ark examples: each pod admitted by its namespace; only the node agent is not restricted', () => {
    const app = new App();
    addArkPrimaryExample(app, DEFAULT_EXAMPLE_SETTINGS);
    addArkRestoreExample(app, DEFAULT_EXAMPLE_SETTINGS);
    const charts = app.node.children.filter((c): c is Chart => c instanceof Chart);
    for (const chart of charts.filter((c) => ['ark-primary', 'ark-restore'].includes(c.node.id))) {
      const found = levels(Testing.synth(chart));
      expect(found.length, chart.node.id).toBeGreaterThan(0);
      for (const f of found) {
        if (f.object === 'DaemonSet/node-agent') expect(f.level).toBe('privileged');
        else expect(f.problems, `${chart.node.id} ${f.object}`).toEqual([]);
        expect(admits(f.namespace!, f.level), `${chart.node.id} ${f.object}`).toBe(true);
      }
    }
  });
});
