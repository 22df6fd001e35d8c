import { KubePersistentVolumeClaimProps } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { StorageClassRef, VolumeAccessMode, storageClassName } from '../storage/azure-storage-class';
import { checkClaimAgainstClass } from '../storage/claim-rules';
import { invalid } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { SizeInput, StorageSize } from '../core/storage-size';
import { checkAbsolutePath, checkOneOf } from '../core/values';
import { checkArray, checkRecord, checkStringArray } from '../core/types';

/**
 * One disk (or share) per replica: a StatefulSet volume claim template and where it is mounted.
 * Kubernetes never lets an existing StatefulSet's templates change: name, size, class and access
 * mode are immutable once deployed (grow a disk by resizing each claim instead).
 */
export interface VolumeClaimTemplate {
  /** Template and volume name; the claims are `<name>-<statefulset>-<ordinal>`. */
  readonly name: string;
  /** Size of each replica's volume, e.g. `'10Gi'`, `StorageSize.gibibytes(10)` or cdk8s `Size.gibibytes(10)`; a whole number of GiB. */
  readonly size: SizeInput;
  /** Storage class construct (its zones and binding mode are checked) or the name of an existing class. */
  readonly storageClass: StorageClassRef;
  /** Where every container mounts it; no other template or volume of the same container may use the path. */
  readonly mountPath: string;
  /** Access mode. @default 'ReadWriteOnce' */
  readonly accessMode?: VolumeAccessMode;
  /** Containers (by name) that mount it. @default every container and init container */
  readonly containers?: string[];
}

/** A template after validation, with the size parsed. */
export interface ResolvedClaimTemplate extends VolumeClaimTemplate {
  readonly size: StorageSize;
  readonly accessMode: VolumeAccessMode;
}

/** Validates templates: names unique and DNS labels, sizes, paths, and each against its class. */
export function resolveClaimTemplates(
  scope: IConstruct,
  templates: readonly VolumeClaimTemplate[],
): ResolvedClaimTemplate[] {
  const names = new Set<string>();
  checkArray(scope, 'volumeClaimTemplates', templates, (f, t) => checkRecord(scope, f, t));
  const resolved = templates.map((template, i) => {
    const field = `volumeClaimTemplates[${i}]`;
    checkDnsLabel(scope, `${field}.name`, template.name);
    if (template.containers !== undefined) checkStringArray(scope, `${field}.containers`, template.containers);
    if (names.has(template.name)) invalid(scope, `${field}.name`, template.name, 'a name not used by another template');
    names.add(template.name);
    checkAbsolutePath(scope, `${field}.mountPath`, template.mountPath);
    const result: ResolvedClaimTemplate = {
      ...template,
      size: StorageSize.from(template.size, scope, `${field}.size`),
      accessMode: checkOneOf(scope, `${field}.accessMode`, template.accessMode ?? 'ReadWriteOnce', [
        'ReadWriteOnce',
        'ReadWriteOncePod',
        'ReadOnlyMany',
        'ReadWriteMany',
      ]),
    };
    checkClaimAgainstClass(scope, template.storageClass, { ...result, volumeMode: 'Filesystem' }, `${field}.`);
    return result;
  });
  checkDistinctMountPaths(scope, resolved);
  return resolved;
}

/** Two templates on one path of a container: the API server refuses the pod. */
function checkDistinctMountPaths(scope: IConstruct, templates: readonly ResolvedClaimTemplate[]): void {
  templates.forEach((t, i) => {
    const clash = templates.findIndex(
      (other, j) =>
        j < i &&
        other.mountPath === t.mountPath &&
        (!t.containers || !other.containers || t.containers.some((c) => other.containers!.includes(c))),
    );
    if (clash >= 0)
      invalid(
        scope,
        `volumeClaimTemplates[${i}].mountPath`,
        t.mountPath,
        `a path no other template of the same containers uses (volumeClaimTemplates[${clash}] is mounted there)`,
      );
  });
}

/** The `volumeClaimTemplates` entry. */
export function renderClaimTemplate(
  template: ResolvedClaimTemplate,
  labels: Record<string, string>,
): KubePersistentVolumeClaimProps {
  return {
    metadata: { name: template.name, labels },
    spec: {
      storageClassName: storageClassName(template.storageClass),
      accessModes: [template.accessMode],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: template.size.toString() } },
    },
  };
}
