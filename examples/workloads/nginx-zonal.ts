import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, ZonalStatefulSet } from '../../lib';
import { smallResources } from './example-resources';

/** Tutorial step "nginx in two zones": two replicas, each in its own zone writing to its own disk. */
export class NginxZonalChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const zones = ['westeurope-1', 'westeurope-2'];
    const disks = new AzureDiskStorageClass(this, 'disks', { sku: 'Premium_LRS', zones });
    const web = new ZonalStatefulSet(this, 'web', {
      name: 'web',
      zones,
      replicas: 2,
      // The unprivileged nginx image runs as uid 101 and listens on 8080.
      podSecurity: { runAsUser: 101, runAsGroup: 101, fsGroup: 101 },
      containers: [
        {
          name: 'nginx',
          image: 'nginxinc/nginx-unprivileged:1.27',
          portNumber: 8080,
          resources: smallResources(),
        },
        {
          name: 'writer',
          image: 'busybox:1.37',
          command: [
            'sh',
            '-c',
            'while true; do echo "$(hostname) $(date)" >> /usr/share/nginx/html/index.html; sleep 10; done',
          ],
          resources: smallResources(64),
        },
      ],
      volumeClaimTemplates: [{ name: 'www', size: '4Gi', storageClass: disks, mountPath: '/usr/share/nginx/html' }],
    });
    // nginx needs writable cache and pid directories next to its read-only root filesystem.
    for (const [path, volume] of [
      ['/var/cache/nginx', 'cache'],
      ['/tmp', 'tmp'],
    ] as const) {
      web.containers[0].mount(path, kplus.Volume.fromEmptyDir(this, volume, volume));
    }
  }
}
