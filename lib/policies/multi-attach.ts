import { AksStatefulValidationError } from '../core/errors';
import { Manifest, namespaceOf, podSpecOf, podSpecPath, problem } from './manifests';

/**
 * A rolling update (a Deployment's default) starts the new pod before the old one stops unless
 * maxSurge is 0: with one disk that pod waits on a Multi-Attach error and the rollout stalls.
 */
function surges(m: any): boolean {
  const strategy = m.spec?.strategy;
  if (strategy?.type === 'Recreate') return false;
  const surge = strategy?.rollingUpdate?.maxSurge;
  return !(surge === 0 || surge === '0' || surge === '0%');
}

/** How many pods of the workload may run at once on different nodes. */
function concurrentPods(m: any): number {
  switch (m.kind) {
    case 'Deployment':
      return (m.spec?.replicas ?? 1) + (surges(m) ? 1 : 0);
    case 'ReplicaSet':
    case 'StatefulSet':
      return m.spec?.replicas ?? 1;
    case 'DaemonSet':
      return Number.POSITIVE_INFINITY;
    case 'Job':
      return m.spec?.parallelism ?? 1;
    case 'CronJob':
      // The default concurrencyPolicy, Allow, starts a run while the previous one still holds the disk.
      return m.spec?.concurrencyPolicy === 'Allow' || m.spec?.concurrencyPolicy === undefined ? 2 : 1;
    default:
      return 1;
  }
}

function sharers(json: any, pods: number): string {
  if (!Number.isFinite(pods)) return 'one pod per node';
  if (json.kind === 'Deployment' && surges(json))
    return `${pods - 1} replica${pods > 2 ? 's' : ''} and the extra pod of a rolling update`;
  if (json.kind === 'CronJob') return 'overlapping runs';
  return `${pods} replicas`;
}

/**
 * Several pods sharing one ReadWriteOnce claim: on different nodes the second pod never starts
 * (Multi-Attach error), on one node two writers corrupt what a single writer expects to own.
 * Pods are read where each kind keeps them (a CronJob's inside its job template).
 */
export function sharedSingleWriterClaims(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  const claims = new Map<string, any>();
  for (const { json } of manifests) {
    if (json.kind === 'PersistentVolumeClaim') claims.set(`${namespaceOf(json)}/${json.metadata?.name}`, json);
  }
  const problems: AksStatefulValidationError[] = [];
  for (const { path, json } of manifests) {
    const pods = concurrentPods(json);
    if (pods <= 1) continue;
    (podSpecOf(json)?.volumes ?? []).forEach((volume: any, i: number) => {
      const claimName = volume.persistentVolumeClaim?.claimName;
      const claim = claimName && claims.get(`${namespaceOf(json)}/${claimName}`);
      const modes: string[] = claim?.spec?.accessModes ?? [];
      if (!claim || modes.length === 0 || !modes.every((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod'))
        return;
      const fix =
        json.kind === 'Deployment' && pods === 2 && surges(json)
          ? 'strategy Recreate (or rollingUpdate.maxSurge 0), '
          : '';
      problems.push(
        problem(
          path,
          `${podSpecPath(json)!.join('.')}.volumes[${i}].persistentVolumeClaim`,
          claimName,
          `a claim that ${sharers(json, pods)} can share: "${claimName}" is ${modes.join('/')} (an Azure Disk attaches to one node; the second pod fails with Multi-Attach). Use ${fix}a StatefulSet with volumeClaimTemplates (one disk per replica), one replica, or a ReadWriteMany Azure Files claim`,
        ),
      );
    });
  }
  return problems;
}
