import { JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { requestAppChecks } from '../core/app-checks';
import { invalid } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { POD_TEMPLATE_PATHS } from '../core/pod-template';

/** Pod annotation listing the volumes Velero copies with the node agent (opt-in). */
export const FS_BACKUP_ANNOTATION = 'backup.velero.io/backup-volumes';
/** Pod annotation listing the volumes left out when `defaultVolumesToFsBackup` is on (opt-out). */
export const FS_BACKUP_EXCLUDES_ANNOTATION = 'backup.velero.io/backup-volumes-excludes';

/**
 * A workload whose pods get the annotation: a cdk8s-plus pod or workload (of any cdk8s-plus major:
 * it is read by shape, not by class), an ApiObject of a pod-bearing kind (Pod, Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), or a construct with exactly one such object
 * among its children, such as ZonalStatefulSet or PostgresSingleton.
 */
export type FsBackupTarget = IConstruct;

/**
 * Marks volumes of a workload's pods for Velero file-system backup (kopia, through the node
 * agent): adds their names to `backup.velero.io/backup-volumes` on the pod template, merged with
 * names already there. The volumes must exist when this is called. Errors name the workload's
 * construct path. Using it turns on the app-wide checks for the workload's app. This is how Ark's
 * `backup.ark.heptio.com/backup-volumes` (restic) annotation is written today.
 */
export function markForFsBackup(workload: FsBackupTarget, volumes: string[]): void {
  annotateVolumes(workload, volumes, FS_BACKUP_ANNOTATION, FS_BACKUP_EXCLUDES_ANNOTATION);
}

/**
 * Leaves volumes out of file-system backup when schedules use `defaultVolumesToFsBackup`:
 * `backup.velero.io/backup-volumes-excludes` on the pod template (caches, scratch space).
 */
export function excludeFromFsBackup(workload: FsBackupTarget, volumes: string[]): void {
  annotateVolumes(workload, volumes, FS_BACKUP_EXCLUDES_ANNOTATION, FS_BACKUP_ANNOTATION);
}

function annotateVolumes(workload: FsBackupTarget, volumes: string[], key: string, opposite: string): void {
  if (typeof (workload as Partial<IConstruct> | undefined)?.node?.path !== 'string')
    invalid(
      'markForFsBackup',
      'workload',
      workload === null ? 'null' : typeof workload,
      'a construct: a cdk8s-plus Pod or workload, an ApiObject of a pod-bearing kind, or a construct that owns one (ZonalStatefulSet, PostgresSingleton)',
    );
  // A team's own objects get the app-wide checks too once they use the library.
  requestAppChecks(workload);
  if (!Array.isArray(volumes) || volumes.length === 0)
    invalid(workload, 'volumes', volumes, 'a non-empty list of pod volume names');
  volumes.forEach((v, i) => checkDnsLabel(workload, `volumes[${i}]`, v));
  if (new Set(volumes).size !== volumes.length) invalid(workload, 'volumes', volumes, 'each volume once');

  const view = podView(workload);
  for (const volume of volumes) {
    if (!view.volumes.includes(volume)) {
      invalid(
        workload,
        'volumes',
        volume,
        `a volume of the pod (${view.volumes.join(', ') || 'it has none yet'}); mount the volumes before marking them`,
      );
    }
  }
  const split = (text: string | undefined) =>
    text
      ? text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const clash = volumes.filter((v) => split(view.annotations[opposite]).includes(v));
  if (clash.length > 0) invalid(workload, 'volumes', clash, `volumes not listed in ${opposite} as well`);
  const merged = [...new Set([...split(view.annotations[key]), ...volumes])].join(',');
  view.setAnnotation(key, merged);
}

interface PodView {
  readonly volumes: string[];
  readonly annotations: Record<string, string>;
  setAnnotation(key: string, value: string): void;
}

/**
 * A cdk8s-plus pod or workload, read by shape rather than `instanceof`: a Pod or Deployment of
 * another cdk8s-plus major (or a second copy of this one) is a different class with the same members.
 */
interface PodLike {
  readonly volumes: readonly { readonly name: string }[];
  readonly containers: readonly { readonly mounts: readonly { readonly volume: { readonly name: string } }[] }[];
  readonly initContainers?: readonly { readonly mounts: readonly { readonly volume: { readonly name: string } }[] }[];
  readonly podMetadata: {
    toJson(): { annotations?: Record<string, string> };
    addAnnotation(k: string, v: string): void;
  };
}

/** An ApiObject of any cdk8s copy: a kind, its JSON, and JSON patches. */
interface ApiObjectLike extends IConstruct {
  readonly kind: string;
  toJson(): any;
  addJsonPatch(...ops: JsonPatch[]): void;
}

function isPodLike(x: any): x is PodLike {
  return (
    typeof x?.podMetadata?.addAnnotation === 'function' &&
    typeof x.podMetadata.toJson === 'function' &&
    Array.isArray(x.volumes) &&
    Array.isArray(x.containers)
  );
}

function isApiObjectLike(x: any): x is ApiObjectLike {
  return typeof x?.kind === 'string' && typeof x.toJson === 'function' && typeof x.addJsonPatch === 'function';
}

function podView(workload: FsBackupTarget): PodView {
  if (isPodLike(workload)) {
    const names = new Set(workload.volumes.map((v) => v.name));
    for (const container of [...workload.containers, ...(workload.initContainers ?? [])]) {
      for (const mount of container.mounts) names.add(mount.volume.name);
    }
    return {
      volumes: [...names],
      annotations: workload.podMetadata.toJson().annotations ?? {},
      setAnnotation: (key, value) => workload.podMetadata.addAnnotation(key, value),
    };
  }
  if (isApiObjectLike(workload)) return apiObjectView(workload);
  // A construct that renders one pod-bearing object (ZonalStatefulSet, PostgresSingleton, a team's own).
  const owned = workload.node.children.filter((c) => isApiObjectLike(c) && POD_TEMPLATE_PATHS[c.kind] !== undefined);
  if (owned.length !== 1) {
    invalid(
      workload,
      'workload',
      owned.length === 0 ? 'a construct without a pod template' : owned.map((c) => c.node.path),
      `a pod, a workload, or a construct with exactly one pod-bearing child (${Object.keys(POD_TEMPLATE_PATHS).join(', ')}): pass that child instead`,
    );
  }
  return apiObjectView(owned[0] as ApiObjectLike);
}

function apiObjectView(workload: ApiObjectLike): PodView {
  const template = POD_TEMPLATE_PATHS[workload.kind];
  const path = template && [...template, 'metadata'];
  if (!path)
    invalid(workload, 'workload', workload.kind, `a pod-bearing kind: ${Object.keys(POD_TEMPLATE_PATHS).join(', ')}`);
  const json = workload.toJson();
  const dig = (segments: string[]) =>
    segments.reduce<any>((node, s) => (node === undefined ? undefined : node[s]), json);
  const podMeta = dig(path);
  const podSpec = workload.kind === 'Pod' ? json.spec : dig([...path.slice(0, -1), 'spec']);
  const claimTemplates =
    workload.kind === 'StatefulSet' ? (json.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name) : [];
  const pointer = `/${path.join('/')}`;
  return {
    volumes: [...(podSpec?.volumes ?? []).map((v: any) => v.name), ...claimTemplates].filter(Boolean),
    annotations: podMeta?.annotations ?? {},
    setAnnotation: (key, value) => {
      const current = dig(path);
      if (current === undefined) workload.addJsonPatch(JsonPatch.add(pointer, { annotations: { [key]: value } }));
      else if (current.annotations === undefined)
        workload.addJsonPatch(JsonPatch.add(`${pointer}/annotations`, { [key]: value }));
      else
        workload.addJsonPatch(
          JsonPatch.add(`${pointer}/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value),
        );
    },
  };
}
