import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureDiskStorageClass } from '../../lib';

/** Tutorial step "a Standard SSD class that binds late": the disk is created in the zone the pod lands in. */
export class LateBindingDiskClassChart extends Chart {
  public readonly storageClass: AzureDiskStorageClass;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.storageClass = new AzureDiskStorageClass(this, 'standard-ssd', {
      name: 'standard-ssd-late',
      sku: 'StandardSSD_LRS',
      // Defaults spelled out for the reader: late binding, Retain, expansion on.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
    });
  }
}
