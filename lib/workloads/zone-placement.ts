import { Affinity, TopologySpreadConstraint } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { ResolvedClaimTemplate } from './claim-template';

/** The well-known node label AKS sets to the zone (`westeurope-1`). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** The well-known node label with the node's name. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** How strictly replicas avoid sharing a node. */
export type HostSpreading = 'required' | 'preferred';

/**
 * Refuses storage that cannot follow pods across zones. A zonal (LRS) disk provisioned with
 * `Immediate` binding is created before the pod is scheduled, in a zone the pod may never be
 * allowed into; a class whose allowedTopologies leave out one of the zones strands that replica.
 */
export function checkStorageFollowsZones(
  scope: IConstruct,
  zones: readonly string[],
  templates: readonly ResolvedClaimTemplate[],
): void {
  templates.forEach((template, i) => {
    const cls = template.storageClass;
    if (typeof cls === 'string') return;
    const field = `volumeClaimTemplates[${i}].storageClass`;
    const pinnedToOurZone = cls.allowedZones?.length === 1 && zones.length === 1 && cls.allowedZones[0] === zones[0];
    if (cls.zonal && cls.volumeBindingMode === 'Immediate' && !pinnedToOurZone) {
      invalid(
        scope,
        field,
        cls.name,
        `a class with volumeBindingMode WaitForFirstConsumer (or a ZRS SKU): ${cls.skuName} disks are zonal and Immediate binding creates each disk before its pod is scheduled, possibly in another zone than the pod (zones ${zones.join(', ')})`,
      );
    }
    const missing = cls.allowedZones ? zones.filter((zone) => !cls.allowedZones!.includes(zone)) : [];
    if (missing.length > 0) {
      invalid(
        scope,
        field,
        cls.name,
        `a class whose allowedTopologies include every zone of the workload: ${missing.join(', ')} missing (class allows ${cls.allowedZones!.join(', ')}), so replicas there could never get a disk`,
      );
    }
  });
}

/** Pods only on nodes of the listed zones, and never two on one node when `hosts` is required. */
export function zoneAffinity(
  zones: readonly string[],
  selector: Record<string, string>,
  hosts: HostSpreading,
): Affinity {
  const antiAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: HOSTNAME_LABEL };
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [...zones] }] }],
      },
    },
    podAntiAffinity:
      hosts === 'required'
        ? { requiredDuringSchedulingIgnoredDuringExecution: [antiAffinityTerm] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: antiAffinityTerm }] },
  };
}

/** Replicas spread evenly over zones: at most one more in any zone than in another. */
export function zoneSpread(selector: Record<string, string>): TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: ZONE_LABEL,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: selector },
    },
  ];
}
