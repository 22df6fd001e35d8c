import { ApiObject, Chart, ChartProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, RawBlockClaim, attachRawBlockDevice } from '../../lib';
import { busyboxPod } from './example-pods';

/** gid of `disk`, the group that owns block devices on the AKS node images (Ubuntu, Azure Linux). */
const DISK_GID = 6;

/**
 * Tutorial step "raw block device": the pod sees the disk as /dev/xvda, with no filesystem. The pod
 * stays Pod Security "restricted" (no privileges: a raw block volume is a persistentVolumeClaim
 * volume like any other); only the device's owner matters, see {@link attachRawBlockDevice}.
 */
export class RawBlockDeviceChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const storageClass = new AzureDiskStorageClass(this, 'premium', { sku: 'Premium_LRS' });
    const claim = new RawBlockClaim(this, 'block', { name: 'raw-block', size: '8Gi', storageClass });
    const pod = busyboxPod(
      this,
      'block-user',
      'ls -l /dev/xvda; dd if=/dev/xvda of=/dev/null bs=1M count=1; sleep 3600',
    );
    attachRawBlockDevice(pod, claim, { devicePath: '/dev/xvda' });
    // The non-root user reads the device through its group (cdk8s-plus 27 has no supplementalGroups).
    ApiObject.of(pod).addJsonPatch(JsonPatch.add('/spec/securityContext/supplementalGroups', [DISK_GID]));
  }
}
