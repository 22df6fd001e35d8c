import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, AzureVolumeClaim } from '../../lib';
import { busyboxPod } from './example-pods';

/** Tutorial step "a disk claim and a pod writing to it": one Premium SSD, one pod appending dates. */
export class DiskClaimWithWriterChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const storageClass = new AzureDiskStorageClass(this, 'premium', { sku: 'Premium_LRS' });
    const claim = new AzureVolumeClaim(this, 'data', { name: 'azure-managed-disk', size: '5Gi', storageClass });
    const pod = busyboxPod(this, 'writer', 'while true; do date >> /mnt/azure/outfile; sleep 5; done');
    pod.containers[0].mount('/mnt/azure', claim.toVolume());
  }
}
