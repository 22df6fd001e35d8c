import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { StaticAzureFileShare } from '../../lib';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleChartProps } from '../settings';
import { busyboxPod } from './example-pods';

/** Tutorial step "mount an existing share": a static volume, its claim, and the Secret it needs. */
export class StaticFileShareChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps = {}) {
    super(scope, id, props);
    const share = new StaticAzureFileShare(this, 'reports', {
      storageAccount: (props.settings ?? DEFAULT_EXAMPLE_SETTINGS).storageAccount,
      shareName: 'reports',
      size: '100Gi',
      claimName: 'reports',
      smb: { uid: 1000, gid: 1000, dirMode: '0775', fileMode: '0664' },
    });
    const pod = busyboxPod(this, 'reader', 'ls -l /reports; sleep 3600');
    pod.containers[0].mount('/reports', share.toVolume());
  }
}
