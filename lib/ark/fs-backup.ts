import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { invalid } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { POD_TEMPLATE_PATHS } from '../core/pod-template';

/** Pod annotation listing the volumes Velero copies with the node agent (opt-in). */
export const FS_BACKUP_ANNOTATION = 'backup.velero.io/backup-volumes';
/** Pod annotation listing the volumes left out when `defaultVolumesToFsBackup` is on (opt-out). */
export const FS_BACKUP_EXCLUDES_ANNOTATION = 'backup.velero.io/backup-volumes-excludes';

/** A workload whose pods get the annotation: a cdk8s-plus pod or workload, or a raw ApiObject of a pod-bearing kind. */
export type FsBackupTarget = kplus.AbstractPod | ApiObject;

/**
 * Marks volumes of a workload's pods for Velero file-system backup (kopia, through the node
 * agent): adds their names to `backup.velero.io/backup-volumes` on the pod template, merged with
 * names already there. The volumes must exist when this is called. This is how Ark's
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

function podView(workload: FsBackupTarget): PodView {
  if (workload instanceof kplus.AbstractPod) {
    const names = new Set(workload.volumes.map((v) => v.name));
    for (const container of [...workload.containers, ...workload.initContainers]) {
      for (const mount of container.mounts) names.add(mount.volume.name);
    }
    return {
      volumes: [...names],
      annotations: workload.podMetadata.toJson().annotations ?? {},
      setAnnotation: (key, value) => workload.podMetadata.addAnnotation(key, value),
    };
  }
  if (workload instanceof ApiObject) {
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
  return invalid(
    'markForFsBackup',
    'workload',
    typeof workload,
    'a cdk8s-plus Pod or workload, or an ApiObject of a pod-bearing kind',
  );
}
