import { ApiObject, JsonPatch } from 'cdk8s';
// Types from the package index; classes from their own modules: the index loads every cdk8s-plus
// construct (about 6 ms at start-up) where these need a few (the same classes the index re-exports).
import type * as kplus from 'cdk8s-plus-27';
import type { Container as KplusContainer } from 'cdk8s-plus-27/lib/container';
import { kplusContainerModule } from '../core/cdk8s-plus-modules';
import { Construct } from 'constructs';
import { invalid, pathOf } from '../core/errors';
import { checkAbsolutePath } from '../core/values';
import { checkInstance } from '../core/types';
import { AzureVolumeClaim, AzureVolumeClaimProps } from './azure-volume-claim';

/** Props of {@link RawBlockClaim}. */
export type RawBlockClaimProps = Omit<AzureVolumeClaimProps, 'volumeMode'>;

/**
 * A claim for an Azure Disk presented as a raw block device (`volumeMode: Block`), for software
 * that manages its own on-disk format. Attach it with {@link attachRawBlockDevice}.
 */
export class RawBlockClaim extends AzureVolumeClaim {
  constructor(scope: Construct, id: string, props: RawBlockClaimProps) {
    super(scope, id, { ...props, volumeMode: 'Block' });
  }
}

/** Options of {@link attachRawBlockDevice}. */
export interface RawBlockDeviceOptions {
  /** Device path inside the container, e.g. `/dev/xvda`. */
  readonly devicePath: string;
  /** The container that sees the device. @default the workload's first container */
  readonly container?: KplusContainer;
}

// Devices already patched onto each container; later devices join the same array so that a
// second attach does not replace the first (a JSON patch `add` on an existing key replaces it).
const attachedDevices = new WeakMap<kplus.AbstractPod, Map<number, Array<{ name: string; devicePath: string }>>>();

/**
 * Makes a raw block claim visible in a pod or workload as a device (`volumeDevices`), which
 * cdk8s-plus cannot express: the volume is added through the workload, the device by a JSON patch.
 *
 * Pod Security: a raw block device needs no privilege, so the pod can meet "restricted" (the volume
 * is a `persistentVolumeClaim` one; `volumeDevices` is not restricted). What it needs is access to
 * the device node, which the container runtime creates with the host device's owner (root, group
 * `disk`, mode 0660) unless it is configured to take the owner from the pod's security context
 * (containerd's `device_ownership_from_security_context`): give a non-root pod the device's group
 * as a supplemental group (`disk` is gid 6 on the AKS node images), as examples/storage/raw-block-device.ts does.
 */
export function attachRawBlockDevice(
  workload: kplus.AbstractPod,
  claim: AzureVolumeClaim,
  options: RawBlockDeviceOptions,
): void {
  checkInstance(
    workload,
    'claim',
    claim,
    AzureVolumeClaim,
    'a RawBlockClaim (an AzureVolumeClaim with volumeMode Block)',
  );
  if (options === null || typeof options !== 'object') {
    invalid(workload, 'options', options, 'the device options, e.g. { devicePath: "/dev/xvda" }');
  }
  if (options.container !== undefined) {
    checkInstance(
      workload,
      'container',
      options.container,
      kplusContainerModule().Container,
      'a container of the workload (a cdk8s-plus Container)',
    );
  }
  if (claim.volumeMode !== 'Block') {
    invalid(
      workload,
      'claim',
      claim.name,
      "a claim with volumeMode 'Block' (a RawBlockClaim); mount Filesystem claims as volumes",
    );
  }
  const devicePath = checkAbsolutePath(workload, 'devicePath', options.devicePath);
  const containers = workload.containers;
  const index = options.container ? containers.indexOf(options.container) : 0;
  if (index < 0 || containers.length === 0) {
    invalid(
      workload,
      'container',
      options.container?.name,
      `a container of ${pathOf(workload)}; add the container before attaching the device`,
    );
  }
  const volume = claim.toVolume();
  if (!workload.volumes.includes(volume)) workload.addVolume(volume);

  let byContainer = attachedDevices.get(workload);
  if (!byContainer) attachedDevices.set(workload, (byContainer = new Map()));
  let devices = byContainer.get(index);
  if (devices?.some((d) => d.devicePath === devicePath)) {
    invalid(workload, 'devicePath', devicePath, 'a path not used by another device of the same container');
  }
  if (!devices) {
    devices = [];
    byContainer.set(index, devices);
    const apiObject = ApiObject.of(workload);
    const podSpecPath = apiObject.kind === 'Pod' ? '/spec' : '/spec/template/spec';
    apiObject.addJsonPatch(JsonPatch.add(`${podSpecPath}/containers/${index}/volumeDevices`, devices));
  }
  devices.push({ name: volume.name, devicePath });
}
