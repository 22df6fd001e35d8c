import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, ZonalStatefulSet } from '../../lib';
import { EXAMPLE_ZONES, smallResources } from './example-resources';

/**
 * Tutorial step "a StatefulSet": three ordered pods, an init container that records each pod's
 * identity on its own disk, and peers found through the headless Service's DNS names.
 */
export class StatefulDiscoveryChart extends Chart {
  public readonly statefulSet: ZonalStatefulSet;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const disks = new AzureDiskStorageClass(this, 'disks', {
      name: 'zonal-standard-ssd',
      sku: 'StandardSSD_LRS',
      zones: EXAMPLE_ZONES,
    });
    this.statefulSet = new ZonalStatefulSet(this, 'stateful', {
      name: 'stateful',
      zones: EXAMPLE_ZONES,
      replicas: 3,
      publishNotReadyAddresses: true,
      podSecurity: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
      initContainers: [
        {
          name: 'identity',
          image: 'busybox:1.37',
          command: ['sh', '-c', 'hostname > /data/identity && date >> /data/started'],
          resources: smallResources(),
        },
      ],
      containers: [
        {
          name: 'main',
          image: 'busybox:1.37',
          portNumber: 8080,
          command: [
            'sh',
            '-c',
            [
              'while true; do',
              '  for i in 0 1 2; do nslookup "stateful-$i.stateful" >/dev/null 2>&1 && echo "peer stateful-$i resolves"; done',
              '  cat /data/identity; sleep 30',
              'done',
            ].join('\n'),
          ],
          resources: smallResources(),
        },
      ],
      volumeClaimTemplates: [{ name: 'data', size: '1Gi', storageClass: disks, mountPath: '/data' }],
    });
  }
}
