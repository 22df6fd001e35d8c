import { AksStatefulValidationError } from '../core/errors';
import { ZONE_LABEL } from '../workloads/zone-placement';
import { Manifest, podSpecOf, problem } from './manifests';

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

/**
 * StatefulSet claim templates on a zonal (LRS) disk class with Immediate binding, under pods that
 * span zones: each disk is created before its pod is scheduled, possibly in a zone the pod cannot run in.
 */
export function zonalDisksBoundEarly(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  const classes = new Map<string, any>();
  for (const { json } of manifests) if (json.kind === 'StorageClass') classes.set(json.metadata?.name, json);
  const problems: AksStatefulValidationError[] = [];
  for (const { path, json } of manifests) {
    if (json.kind !== 'StatefulSet') continue;
    (json.spec?.volumeClaimTemplates ?? []).forEach((template: any, i: number) => {
      const name = template.spec?.storageClassName;
      const cls = classes.get(name);
      const zonal =
        cls?.provisioner === 'disk.csi.azure.com' &&
        !String(cls.parameters?.skuName ?? 'StandardSSD_LRS').endsWith('_ZRS');
      if (!zonal || cls.volumeBindingMode !== 'Immediate') return;
      // A class pinned to the one zone the pods are pinned to cannot put a disk anywhere else.
      const pinned =
        classZones(cls)?.length === 1 &&
        workloadZones(json)?.length === 1 &&
        classZones(cls)![0] === workloadZones(json)![0];
      if (pinned || !(spreadsOverZones(json) || (json.spec?.replicas ?? 1) > 1)) return;
      problems.push(
        problem(
          path,
          `spec.volumeClaimTemplates[${i}].spec.storageClassName`,
          name,
          `a class with volumeBindingMode WaitForFirstConsumer (or a ZRS SKU): ${cls.parameters?.skuName ?? 'StandardSSD_LRS'} disks are zonal, and with Immediate binding each disk is created before its pod is scheduled, possibly in a zone the pod cannot run in`,
        ),
      );
    });
  }
  return problems;
}
