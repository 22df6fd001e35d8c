import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * The volume sources Pod Security "restricted" allows. hostPath (and the in-tree network drivers)
 * reach past the pod; an Azure disk or share comes in through a claim (persistentVolumeClaim) or csi.
 */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/**
 * Checks rendered pod volumes (Kubernetes JSON): each has exactly one source, of a kind Pod
 * Security "restricted" allows. `fieldOf` names the prop a volume came from, as the user wrote it.
 */
export function checkPodVolumes(
  scope: IConstruct,
  fieldOf: (index: number, name: string) => string,
  volumes: readonly object[],
): void {
  volumes.forEach((volume, i) => {
    const entries = Object.entries(volume);
    const field = fieldOf(i, String(entries.find(([k]) => k === 'name')?.[1]));
    const sources = entries.filter(([k, v]) => k !== 'name' && v !== undefined).map(([k]) => k);
    if (sources.length !== 1)
      invalid(scope, field, sources, `exactly one volume source, one of ${RESTRICTED_VOLUME_SOURCES.join(', ')}`);
    if (!RESTRICTED_VOLUME_SOURCES.includes(sources[0]))
      invalid(
        scope,
        field,
        sources[0],
        `a volume of kind ${RESTRICTED_VOLUME_SOURCES.join(', ')} (Pod Security "restricted"; an Azure disk or share comes in through a claim)`,
      );
  });
}
