import { ResourceRequirements } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { ContainerResources, ResourceRules, renderResources, resolveResources } from '../core/resources';

/** CPU and memory of a Velero container: the library's one resources model. */
export type ArkResources = ContainerResources;

/**
 * Checks and renders a Velero container's resources (see {@link resolveResources}); undefined when
 * nothing is set, so that the container stays BestEffort as `velero install` leaves it.
 */
export function renderArkResources(
  scope: IConstruct,
  field: string,
  resources: ArkResources | undefined,
  defaults: ArkResources,
  rules: ResourceRules = {},
): ResourceRequirements | undefined {
  const rendered = renderResources(resolveResources(scope, field, resources, defaults, rules));
  return rendered.requests || rendered.limits ? rendered : undefined;
}
