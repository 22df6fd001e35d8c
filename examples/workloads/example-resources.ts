import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/** Small, explicit requests and limits for the example containers (cdk8s-plus defaults are large). */
export function smallResources(memoryMiB = 128): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(memoryMiB / 2), limit: Size.mebibytes(memoryMiB) },
  };
}

/** The three zones of the region every workload example uses. */
export const EXAMPLE_ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];
