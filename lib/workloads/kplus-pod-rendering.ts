import { ApiObject, App, Chart } from 'cdk8s';
// Types from the package index; classes from their own modules, loaded when a set first needs
// them (the index loads every cdk8s-plus construct, about 6 ms at start-up, where these need two).
import type * as kplus from 'cdk8s-plus-27';
import type { Container as KplusContainer } from 'cdk8s-plus-27/lib/container';
import type { Pod as KplusPod } from 'cdk8s-plus-27/lib/pod';
import { kplusContainerModule, kplusPodModule } from '../core/cdk8s-plus-modules';

/** The parts of a pod spec cdk8s-plus renders from its containers, as Kubernetes JSON. */
export interface RenderedPodParts {
  readonly containers: Record<string, unknown>[];
  readonly initContainers: Record<string, unknown>[];
  readonly volumes: Record<string, unknown>[];
}

/**
 * Containers built and rendered by cdk8s-plus itself, through its public API only: a real
 * `KplusPod` holds them and its object's public `toJson()` (`ApiObject.of(pod)`) renders them and the volumes they mount. The pod
 * lives in an app of its own that is never synthesized, so it renders nothing into the user's chart;
 * the containers stay the user's to change (`container.mount(...)`) until synthesis.
 */
export class KplusPodRendering {
  private readonly pod: KplusPod;

  constructor() {
    this.pod = new (kplusPodModule().Pod)(new Chart(new App(), 'rendering'), 'pod');
  }

  /** A container, cdk8s-plus style. */
  public addContainer(props: kplus.ContainerProps): KplusContainer {
    const container = new (kplusContainerModule().Container)(props);
    this.pod.attachContainer(container);
    return container;
  }

  /** An init container (cdk8s-plus names an unnamed one `init-<n>`). */
  public addInitContainer(props: kplus.ContainerProps): KplusContainer {
    return this.pod.addInitContainer(props);
  }

  /** The containers, init containers and the volumes they mount, rendered now (call it at synthesis). */
  public render(): RenderedPodParts {
    const spec: Record<string, unknown> = ApiObject.of(this.pod).toJson().spec;
    const list = (key: string) => (spec[key] as Record<string, unknown>[] | undefined) ?? [];
    return { containers: list('containers'), initContainers: list('initContainers'), volumes: list('volumes') };
  }
}

/** A copy with every object's keys in alphabetical order, as cdk8s renders them. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  ) as T;
}
