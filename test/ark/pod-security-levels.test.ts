/**
 * Pod Security levels of everything lib/ark renders (issue 12), checked with the rules of the
 * published standard (./pod-security.ts): the server, its init containers and the CRD job meet
 * "restricted"; the node agent is the only pod that needs "privileged"; Velero's namespace is
 * labelled at the strictest level its pods meet and admits each of them. The ark examples included.
 */
import { describe, expect, it } from 'vitest';
import {
  LEVEL_ORDER,
  PodSecurityLevel,
  podSecurityLevel,
  podSecurityViolations,
  podSpecsOf,
} from '../support/pod-security';
import { NEWEST, SERVICE_PRINCIPAL, synthInstall } from './fixtures';

/** Whether a namespace enforcing `enforced` admits a pod that meets `level`. */
const admits = (enforced: PodSecurityLevel, level: PodSecurityLevel) =>
  LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(enforced);

/** Each pod-bearing object's level, and the level its namespace enforces. */
function levels(objects: any[]) {
  const enforced = new Map<string, PodSecurityLevel>(
    objects
      .filter((o) => o.kind === 'Namespace')
      .map((o) => [o.metadata.name, o.metadata.labels?.['pod-security.kubernetes.io/enforce']]),
  );
  return objects.flatMap(podSpecsOf).map((pod) => ({
    object: `${pod.kind}/${pod.name}`,
    level: podSecurityLevel(pod.spec, pod.metadata),
    problems: podSecurityViolations(pod.spec, 'restricted', pod.metadata).map((v) => `${v.rule}: ${v.path}`),
    namespace: enforced.get(pod.namespace ?? ''),
  }));
}

describe('Pod Security of the Velero installation', () => {
  it('without the node agent: every pod is restricted and the namespace enforces restricted', () => {
    const found = levels(synthInstall().objects);
    expect(found.map((f) => f.object).sort()).toEqual(['Deployment/velero', `Job/velero-install-crds-v${NEWEST.job}`]);
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
  // The examples' pods and namespaces: test/pod-security.test.ts.
});
