import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureFileStorageClass, AzureVolumeClaim } from '../../lib';
import { busyboxPod } from './example-pods';

/** Tutorial step "Azure Files shared by two pods": one ReadWriteMany claim mounted by both. */
export class SharedFilesClaimChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const storageClass = new AzureFileStorageClass(this, 'files', {
      sku: 'Standard_LRS',
      // The pods run as uid/gid 1000; SMB shows every file with the mount's owner.
      smb: { uid: 1000, gid: 1000, dirMode: '0775', fileMode: '0664' },
    });
    const claim = new AzureVolumeClaim(this, 'shared', { size: '10Gi', storageClass, accessMode: 'ReadWriteMany' });
    for (const writer of ['writer-a', 'writer-b']) {
      const pod = busyboxPod(this, writer, `while true; do echo "$(hostname) $(date)" >> /shared/log; sleep 5; done`);
      pod.containers[0].mount('/shared', claim.toVolume());
    }
  }
}
