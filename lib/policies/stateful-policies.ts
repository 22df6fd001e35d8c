import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { POD_TEMPLATE_PATHS } from '../core/pod-template';
import { formatValue } from '../core/errors';
import { registerAppCheck, requestAppChecks } from '../core/app-checks';
import { AKS_BUILT_IN_FILE_CLASSES, DATABASE_ON_FILES_REASON } from '../workloads/postgres-storage-rules';
import { ZONE_LABEL } from '../workloads/zone-placement';

interface Manifest {
  readonly path: string;
  readonly json: any;
}

function problem(path: string, field: string, value: unknown, allowed: string): string {
  return `${path}: ${field} ${formatValue(value)} is not allowed: ${allowed}`;
}

/** Where the pod spec of a pod-bearing kind is (a CronJob's is inside its job template). */
function podSpecPath(m: any): readonly string[] | undefined {
  const template = POD_TEMPLATE_PATHS[m.kind];
  return template && [...template, 'spec'];
}

function podSpecOf(m: any): any {
  return podSpecPath(m)?.reduce((v: any, k) => v?.[k], m);
}

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
      return m.spec?.concurrencyPolicy === 'Allow' || m.spec?.concurrencyPolicy === undefined ? 2 : 1;
    default:
      return 1;
  }
}

/**
 * Several pods sharing one ReadWriteOnce claim: on different nodes the second pod never starts
 * (Multi-Attach error), on one node two writers corrupt what a single writer expects to own.
 */
function sharedSingleWriterClaims(manifests: Manifest[]): string[] {
  const claims = new Map<string, any>();
  for (const { json } of manifests) {
    if (json.kind === 'PersistentVolumeClaim')
      claims.set(`${json.metadata?.namespace ?? 'default'}/${json.metadata?.name}`, json);
  }
  const problems: string[] = [];
  for (const { path, json } of manifests) {
    const pods = concurrentPods(json);
    if (pods <= 1) continue;
    (podSpecOf(json)?.volumes ?? []).forEach((volume: any, i: number) => {
      const claimName = volume.persistentVolumeClaim?.claimName;
      const claim = claimName && claims.get(`${json.metadata?.namespace ?? 'default'}/${claimName}`);
      const modes: string[] = claim?.spec?.accessModes ?? [];
      if (claim && modes.length > 0 && modes.every((m) => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod')) {
        const count = !Number.isFinite(pods)
          ? 'one pod per node'
          : json.kind === 'Deployment' && surges(json)
            ? `${pods - 1} replica${pods > 2 ? 's' : ''} and the extra pod of a rolling update`
            : json.kind === 'CronJob'
              ? 'overlapping runs'
              : `${pods} replicas`;
        const fix =
          json.kind === 'Deployment' && pods === 2 && surges(json)
            ? 'strategy Recreate (or rollingUpdate.maxSurge 0), '
            : '';
        problems.push(
          problem(
            path,
            `${podSpecPath(json)!.join('.')}.volumes[${i}].persistentVolumeClaim`,
            claimName,
            `a claim that ${count} can share: "${claimName}" is ${modes.join('/')} (an Azure Disk attaches to one node; the second pod fails with Multi-Attach). Use ${fix}a StatefulSet with volumeClaimTemplates (one disk per replica), one replica, or a ReadWriteMany Azure Files claim`,
          ),
        );
      }
    });
  }
  return problems;
}

/** Zones a StorageClass may provision in (its allowedTopologies on a zone key); undefined means any. */
function classZones(cls: any): string[] | undefined {
  const values = (cls.allowedTopologies ?? []).flatMap((t: any) =>
    (t.matchLabelExpressions ?? []).filter((e: any) => /\/zone$/.test(e.key)).flatMap((e: any) => e.values ?? []),
  );
  return values.length > 0 ? values : undefined;
}

/** Zones the workload's pods are restricted to by required node affinity; undefined means any. */
function workloadZones(json: any): string[] | undefined {
  const terms =
    podSpecOf(json)?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const values = terms.flatMap((t: any) =>
    (t.matchExpressions ?? [])
      .filter((e: any) => e.key === ZONE_LABEL && e.operator === 'In')
      .flatMap((e: any) => e.values ?? []),
  );
  return values.length > 0 ? values : undefined;
}

function spreadsOverZones(json: any): boolean {
  const spec = podSpecOf(json) ?? {};
  if ((spec.topologySpreadConstraints ?? []).some((t: any) => t.topologyKey === ZONE_LABEL)) return true;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.some((t: any) =>
    (t.matchExpressions ?? []).some((e: any) => e.key === ZONE_LABEL && (e.values ?? []).length > 1),
  );
}

/** StatefulSet templates whose class is zonal LRS with Immediate binding, under pods that span zones; and databases on Azure Files. */
function statefulSetStorage(manifests: Manifest[]): string[] {
  const classes = new Map<string, any>();
  for (const { json } of manifests) if (json.kind === 'StorageClass') classes.set(json.metadata?.name, json);
  const problems: string[] = [];
  for (const { path, json } of manifests) {
    if (json.kind !== 'StatefulSet') continue;
    const isDatabase = json.metadata?.labels?.['aks-stateful.io/database'] !== undefined;
    (json.spec?.volumeClaimTemplates ?? []).forEach((template: any, i: number) => {
      const name = template.spec?.storageClassName;
      const cls = classes.get(name);
      const field = `spec.volumeClaimTemplates[${i}].spec.storageClassName`;
      if (isDatabase && (AKS_BUILT_IN_FILE_CLASSES.includes(name) || cls?.provisioner === 'file.csi.azure.com')) {
        problems.push(problem(path, field, name, DATABASE_ON_FILES_REASON));
      }
      const zonal =
        cls?.provisioner === 'disk.csi.azure.com' &&
        !String(cls.parameters?.skuName ?? 'StandardSSD_LRS').endsWith('_ZRS');
      // A class pinned to the one zone the pods are pinned to cannot put a disk anywhere else.
      const pinned =
        zonal &&
        classZones(cls)?.length === 1 &&
        workloadZones(json)?.length === 1 &&
        classZones(cls)![0] === workloadZones(json)![0];
      if (
        zonal &&
        !pinned &&
        cls.volumeBindingMode === 'Immediate' &&
        (spreadsOverZones(json) || (json.spec?.replicas ?? 1) > 1)
      ) {
        problems.push(
          problem(
            path,
            field,
            name,
            `a class with volumeBindingMode WaitForFirstConsumer (or a ZRS SKU): ${cls.parameters?.skuName ?? 'StandardSSD_LRS'} disks are zonal, and with Immediate binding each disk is created before its pod is scheduled, possibly in a zone the pod cannot run in`,
          ),
        );
      }
    });
  }
  return problems;
}

/** Every policy problem of the objects under `root` (also used directly by tests and tools). */
export function statefulPolicyProblems(root: IConstruct): string[] {
  const manifests: Manifest[] = root.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => ({ path: o.node.path, json: o.toJson() }));
  return [...sharedSingleWriterClaims(manifests), ...statefulSetStorage(manifests)];
}

/**
 * Turns on the cross-object checks for the whole app that `scope` belongs to (once per app): they
 * run when the app or a chart is synthesized and fail synthesis with one line per mistake.
 */
export function enableStatefulPolicies(scope: IConstruct): void {
  requestAppChecks(scope);
}

registerAppCheck('stateful-policies', statefulPolicyProblems);
