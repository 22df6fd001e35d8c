/**
 * Every pod of the storage examples meets the Pod Security Standard "restricted"
 * (kubernetes.io/docs/concepts/security/pod-security-standards, v1.27 and later), rule by rule.
 */
import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addStorageExamples } from '../../examples/storage';
import { DEFAULT_EXAMPLE_SETTINGS } from '../../examples/settings';

const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** What breaks "restricted" (baseline included) in a pod spec, one line per rule. */
function restrictedProblems(spec: any): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('host namespaces');
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!RESTRICTED_VOLUMES.includes(type!)) problems.push(`volume ${volume.name} of type ${type}`);
  }
  const seccomp = (c: any) => c.securityContext?.seccompProfile?.type ?? pod.seccompProfile?.type;
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) problems.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation not false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${c.name}: runAsUser 0`);
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp(c))) problems.push(`${c.name}: no seccomp profile`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name}: capabilities not dropping ALL`);
    for (const added of sc.capabilities?.add ?? [])
      if (added !== 'NET_BIND_SERVICE') problems.push(`${c.name}: adds ${added}`);
    if ((c.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${c.name}: hostPort`);
    if (sc.procMount && sc.procMount !== 'Default') problems.push(`${c.name}: procMount`);
  }
  return problems;
}

function podSpecs(objects: any[]): Array<[string, any]> {
  return objects.flatMap((o): Array<[string, any]> => {
    if (o.kind === 'Pod') return [[o.metadata.name, o.spec]];
    if (o.kind === 'CronJob') return [[o.metadata.name, o.spec.jobTemplate.spec.template.spec]];
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(o.kind)) {
      return [[o.metadata.name, o.spec.template.spec]];
    }
    return [];
  });
}

describe('storage example pods', () => {
  const app: App = Testing.app();
  addStorageExamples(app, DEFAULT_EXAMPLE_SETTINGS);
  const charts = app.node.children.filter((c): c is Chart => c instanceof Chart);

  it('the rule check catches what restricted forbids', () => {
    expect(restrictedProblems({ containers: [{ name: 'c' }] })).toEqual([
      'c: allowPrivilegeEscalation not false',
      'c: runAsNonRoot not true',
      'c: no seccomp profile',
      'c: capabilities not dropping ALL',
    ]);
    expect(restrictedProblems({ volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [] })).toEqual([
      'volume h of type hostPath',
    ]);
  });

  it.each(charts.map((c) => [c.node.id, c] as const))('%s: every pod meets "restricted"', (_id, chart) => {
    for (const [name, spec] of podSpecs(Testing.synth(chart))) {
      expect(restrictedProblems(spec), name).toEqual([]);
    }
  });

  it('has pods to check, the raw block one included', () => {
    const pods = charts.flatMap((c) => podSpecs(Testing.synth(c)));
    expect(pods.length).toBeGreaterThanOrEqual(6);
    const block = pods.find(([, spec]) => spec.containers[0].volumeDevices);
    expect(block?.[1].securityContext.supplementalGroups).toEqual([6]);
  });
});
