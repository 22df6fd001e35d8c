import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArkInstallation } from '../ark/installation';
import { POD_TEMPLATE_PATHS } from '../core/pod-template';
import { pathOf } from '../core/errors';
import { isClusterScoped } from '../core/cluster-scoped';
import { withinSynthesis } from '../core/synthesis-session';
import { Problems } from './problems';

/** One synthesized Kubernetes object, as the deploy step applies it. */
export interface PlannedObject {
  /** The object as `cdk8s synth` writes it (a copy: transformations may change it). */
  readonly manifest: Record<string, any>;
  /** `<apiVersion>/<kind>::<namespace>/<name>` (or `::<name>` when cluster-scoped): the ConfigGroup v1 lookup key without prefix. */
  readonly key: string;
  /** `<kind> <namespace>/<name>`, for messages. */
  readonly label: string;
  /** The chart it belongs to. */
  readonly chart: Chart;
  /** Keys of the objects in this stack it must wait for. */
  readonly dependsOn: readonly string[];
  /** Secrets (`<namespace>/<name>`) it reads; the declared ones are created before it. */
  readonly secrets: readonly string[];
  /** Service account (`<namespace>/<name>`) its pods run as, when it has pods. */
  readonly podServiceAccount?: string;
}

/** Where objects without a namespace in a namespaced chart land, as kubectl and the API server do. */
const DEFAULT_NAMESPACE = 'default';

/** Object key in the form the ConfigGroup v1 resource map uses. */
export function objectKey(manifest: Record<string, any>): string {
  const ns = manifest.metadata?.namespace;
  return `${manifest.apiVersion}/${manifest.kind}::${ns ? `${ns}/` : ''}${manifest.metadata?.name}`;
}

function dig(value: any, path: readonly string[]): any {
  return path.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), value);
}

/**
 * Synthesizes the charts (running every cdk8s validation and the app-wide checks, as `cdk8s synth`
 * does) and returns their objects with the dependency edges an empty cluster needs: the Namespace
 * first, then what a pod reads (ServiceAccount, ConfigMaps, Secrets, claims), claims after their
 * StorageClass and snapshot, bindings after their roles, Velero custom resources after the
 * CRD-install Job of their namespace, and every edge the constructs added with `addDependency`.
 * Two objects with one kind/namespace/name are a problem naming both charts.
 */
export function planManifests(app: App, charts: readonly Chart[], problems: Problems): PlannedObject[] {
  return withinSynthesis(app, () => planWithinSynthesis(app, charts, problems));
}

function planWithinSynthesis(app: App, charts: readonly Chart[], problems: Problems): PlannedObject[] {
  // Validations, dependency resolution and the app-wide policies run here, as in `cdk8s synth`.
  // An app that fails them has no objects to plan: its problems are recorded, and planning
  // further would only run (and fail) the same validations again per chart.
  if (problems.catch(() => app.synthYaml()) === undefined) return [];
  const entries: { manifest: Record<string, any>; chart: Chart; apiObject?: ApiObject }[] = [];
  for (const chart of charts) {
    const byKey = new Map<string, ApiObject>();
    for (const node of chart.node.findAll()) {
      if (node instanceof ApiObject && Chart.of(node) === chart) byKey.set(objectKey(node.toJson()), node);
    }
    for (const synthesized of chart.toJson()) {
      const apiObject = byKey.get(objectKey(synthesized));
      const manifest = structuredClone(synthesized);
      // cdk8s stamps a namespaced chart's namespace on every object; kubectl ignores it on
      // cluster-scoped kinds, so the deploy step drops it instead of failing on it.
      if (isClusterScoped(manifest.apiVersion, manifest.kind) && manifest.metadata?.namespace !== undefined)
        delete manifest.metadata.namespace;
      entries.push({ manifest, chart, apiObject });
    }
  }

  const seen = new Map<string, Chart>();
  for (const { manifest, chart } of entries) {
    const key = objectKey(manifest);
    const first = seen.get(key);
    if (first) {
      problems.add(
        pathOf(chart),
        `${manifest.kind} ${manifest.metadata?.namespace ?? ''}/${manifest.metadata?.name}`,
        key,
        `one object per kind/namespace/name in one cluster: ${pathOf(first)} produces it too (one cluster per stack: deploy those charts to different stacks)`,
      );
    } else {
      seen.set(key, chart);
    }
    if (manifest.kind === 'Secret' && manifest.apiVersion === 'v1' && (manifest.data || manifest.stringData)) {
      problems.add(
        pathOf(chart),
        `Secret ${manifest.metadata?.namespace}/${manifest.metadata?.name}`,
        '(values hidden)',
        'no Secret with values in the manifests (they would be stored in the Pulumi state in plain text): declare it as a kubernetesSecret requirement',
      );
    }
  }

  const keys = new Set(entries.map((e) => objectKey(e.manifest)));
  const keyOfConstruct = new Map<IConstruct, string>();
  for (const e of entries) if (e.apiObject) keyOfConstruct.set(e.apiObject, objectKey(e.manifest));
  const crdJobs = crdJobsByNamespace(app, keyOfConstruct);

  const planned = entries.map(({ manifest, chart, apiObject }): PlannedObject => {
    const key = objectKey(manifest);
    const refs = references(manifest);
    const deps = new Set<string>();
    for (const ref of refs.objects) if (keys.has(ref) && ref !== key) deps.add(ref);
    if (apiObject) {
      for (const dep of apiObject.node.dependencies) {
        for (const node of dep.node.findAll()) {
          const depKey = keyOfConstruct.get(node);
          if (depKey && depKey !== key) deps.add(depKey);
        }
      }
    }
    const group = String(manifest.apiVersion).split('/')[0];
    if (group === 'velero.io') {
      const job = crdJobs.get(manifest.metadata?.namespace ?? DEFAULT_NAMESPACE);
      if (job) deps.add(job);
    }
    return {
      manifest,
      key,
      chart,
      label: `${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata?.name}`,
      dependsOn: [...deps].sort(),
      secrets: refs.secrets,
      ...(refs.podServiceAccount ? { podServiceAccount: refs.podServiceAccount } : {}),
    };
  });
  checkAcyclic(planned, problems);
  return planned;
}

function crdJobsByNamespace(app: App, keyOfConstruct: ReadonlyMap<IConstruct, string>): Map<string, string> {
  const jobs = new Map<string, string>();
  for (const node of app.node.findAll()) {
    if (node instanceof ArkInstallation) {
      const key = keyOfConstruct.get(node.crdJob);
      if (key) jobs.set(node.namespace, key);
    }
  }
  return jobs;
}

/** The objects another object names: what it must wait for when both are in the stack. */
function references(manifest: Record<string, any>): {
  objects: string[];
  secrets: string[];
  podServiceAccount?: string;
} {
  const objects: string[] = [];
  const secrets: string[] = [];
  // As written: an object without a namespace names objects without one (both land in the
  // namespace the deploy uses); its Secrets and service account are looked up in `default`.
  const written: string | undefined = manifest.metadata?.namespace;
  const ns: string = written ?? DEFAULT_NAMESPACE;
  const inNs = (apiVersion: string, kind: string, name: unknown, namespace: string | undefined = written) => {
    if (typeof name === 'string' && name)
      objects.push(`${apiVersion}/${kind}::${namespace ? `${namespace}/` : ''}${name}`);
  };
  const clusterScoped = (apiVersion: string, kind: string, name: unknown) => {
    if (typeof name === 'string' && name) objects.push(`${apiVersion}/${kind}::${name}`);
  };
  const secret = (name: unknown, namespace: string | undefined = written) => {
    if (typeof name !== 'string' || !name) return;
    secrets.push(`${namespace ?? DEFAULT_NAMESPACE}/${name}`);
    inNs('v1', 'Secret', name, namespace);
  };
  if (manifest.metadata?.namespace) clusterScoped('v1', 'Namespace', manifest.metadata.namespace);

  const template = POD_TEMPLATE_PATHS[manifest.kind];
  const podPath = template && [...template, 'spec'];
  let podServiceAccount: string | undefined;
  if (podPath) {
    const pod = dig(manifest, podPath) ?? {};
    const sa = pod.serviceAccountName ?? 'default';
    podServiceAccount = `${ns}/${sa}`;
    inNs('v1', 'ServiceAccount', sa);
    for (const pull of pod.imagePullSecrets ?? []) secret(pull.name);
    for (const volume of pod.volumes ?? []) {
      secret(volume.secret?.secretName);
      inNs('v1', 'ConfigMap', volume.configMap?.name);
      inNs('v1', 'PersistentVolumeClaim', volume.persistentVolumeClaim?.claimName);
      secret(volume.csi?.nodePublishSecretRef?.name);
      for (const source of volume.projected?.sources ?? []) {
        secret(source.secret?.name);
        inNs('v1', 'ConfigMap', source.configMap?.name);
      }
    }
    for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      for (const env of container.env ?? []) {
        secret(env.valueFrom?.secretKeyRef?.name);
        inNs('v1', 'ConfigMap', env.valueFrom?.configMapKeyRef?.name);
      }
      for (const from of container.envFrom ?? []) {
        secret(from.secretRef?.name);
        inNs('v1', 'ConfigMap', from.configMapRef?.name);
      }
    }
    for (const template of manifest.kind === 'StatefulSet' ? (manifest.spec?.volumeClaimTemplates ?? []) : []) {
      clusterScoped('storage.k8s.io/v1', 'StorageClass', template.spec?.storageClassName);
    }
  }
  switch (manifest.kind) {
    case 'PersistentVolumeClaim':
      clusterScoped('storage.k8s.io/v1', 'StorageClass', manifest.spec?.storageClassName);
      clusterScoped('v1', 'PersistentVolume', manifest.spec?.volumeName);
      for (const source of [manifest.spec?.dataSource, manifest.spec?.dataSourceRef]) {
        if (source?.kind === 'VolumeSnapshot') inNs('snapshot.storage.k8s.io/v1', 'VolumeSnapshot', source.name);
        if (source?.kind === 'PersistentVolumeClaim') inNs('v1', 'PersistentVolumeClaim', source.name);
      }
      break;
    case 'PersistentVolume':
      clusterScoped('storage.k8s.io/v1', 'StorageClass', manifest.spec?.storageClassName);
      for (const ref of [manifest.spec?.csi?.nodeStageSecretRef, manifest.spec?.csi?.nodePublishSecretRef]) {
        if (ref?.name) secret(ref.name, ref.namespace);
      }
      break;
    case 'VolumeSnapshot':
      inNs('v1', 'PersistentVolumeClaim', manifest.spec?.source?.persistentVolumeClaimName);
      clusterScoped('snapshot.storage.k8s.io/v1', 'VolumeSnapshotClass', manifest.spec?.volumeSnapshotClassName);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (manifest.roleRef?.kind === 'Role') inNs('rbac.authorization.k8s.io/v1', 'Role', manifest.roleRef.name);
      if (manifest.roleRef?.kind === 'ClusterRole')
        clusterScoped('rbac.authorization.k8s.io/v1', 'ClusterRole', manifest.roleRef.name);
      for (const subject of manifest.subjects ?? []) {
        if (subject.kind === 'ServiceAccount') inNs('v1', 'ServiceAccount', subject.name, subject.namespace ?? written);
      }
      break;
  }
  return { objects, secrets, ...(podServiceAccount ? { podServiceAccount } : {}) };
}

/** Pulumi waits forever on a cycle of dependsOn: refuse one before anything is registered. */
function checkAcyclic(objects: readonly PlannedObject[], problems: Problems): void {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (object: PlannedObject, trail: string[]): void => {
    const mark = state.get(object.key);
    if (mark === 'done') return;
    if (mark === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(object.label)), object.label];
      problems.add(
        pathOf(object.chart),
        'dependencies',
        cycle.join(' -> '),
        'no cycle: an object cannot wait for itself',
      );
      return;
    }
    state.set(object.key, 'visiting');
    for (const dep of object.dependsOn) {
      const next = byKey.get(dep);
      if (next) visit(next, [...trail, object.label]);
    }
    state.set(object.key, 'done');
  };
  for (const object of objects) visit(object, []);
}
