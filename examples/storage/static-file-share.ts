import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { StaticAzureFileShare } from '../../lib';
import { busyboxPod } from './example-pods';

/** Tutorial step "mount an existing share": a static volume, its claim, and the Secret it needs. */
export class StaticFileShareChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const share = new StaticAzureFileShare(this, 'reports', {
      storageAccount: 'aksstatefulexamples',
      shareName: 'reports',
      size: '100Gi',
      claimName: 'reports',
      smb: { uid: 1000, gid: 1000, dirMode: '0775', fileMode: '0664' },
    });
    const pod = busyboxPod(this, 'reader', 'ls -l /reports; sleep 3600');
    pod.containers[0].mount('/reports', share.toVolume());
  }
}
