import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, RawBlockClaim, attachRawBlockDevice } from '../../lib';
import { busyboxPod } from './example-pods';

/** Tutorial step "raw block device": the pod sees the disk as /dev/xvda, with no filesystem. */
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
  }
}
