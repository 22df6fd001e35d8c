import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, ZonalStatefulSet } from '../../lib';
import { EXAMPLE_ZONES, smallResources } from './example-resources';

/**
 * Tutorial step "a Consul cluster": three servers, one per zone, each with its own disk, joining
 * each other through Consul's Kubernetes cloud auto-join (which lists pods, hence the Role), and
 * leaving the cluster cleanly before they stop.
 */
export class ConsulClusterChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const namespace = props.namespace ?? 'default';
    const account = new kplus.ServiceAccount(this, 'account', { metadata: { name: 'consul' }, automountToken: true });
    const podReader = new kplus.Role(this, 'pod-reader', { metadata: { name: 'consul-pod-reader' } });
    podReader.allow(['get', 'list'], kplus.ApiResource.PODS);
    podReader.bind(account);

    const disks = new AzureDiskStorageClass(this, 'disks', { sku: 'Premium_LRS', zones: EXAMPLE_ZONES });
    const consul = new ZonalStatefulSet(this, 'consul', {
      name: 'consul',
      zones: EXAMPLE_ZONES,
      replicas: 3,
      serviceAccount: account,
      publishNotReadyAddresses: true,
      disruptionBudget: { quorum: true },
      terminationGracePeriod: Duration.seconds(30),
      preStopCommand: ['consul', 'leave'],
      // uid 100 / gid 1000 is the consul user of the official image.
      podSecurity: { runAsUser: 100, runAsGroup: 1000, fsGroup: 1000 },
      containers: [
        {
          name: 'consul',
          image: 'hashicorp/consul:1.20',
          args: [
            'agent',
            '-server',
            '-bootstrap-expect=3',
            '-data-dir=/consul/data',
            '-config-dir=/consul/config',
            '-client=0.0.0.0',
            '-ui',
            `-retry-join=provider=k8s namespace=${namespace} label_selector="app.kubernetes.io/name=consul"`,
          ],
          ports: [
            { name: 'http', number: 8500 },
            { name: 'server', number: 8300 },
            { name: 'serf-lan', number: 8301 },
            { name: 'serf-wan', number: 8302 },
            { name: 'dns', number: 8600 },
          ],
          readiness: kplus.Probe.fromHttpGet('/v1/status/leader', { port: 8500 }),
          resources: smallResources(256),
        },
      ],
      volumeClaimTemplates: [{ name: 'data', size: '8Gi', storageClass: disks, mountPath: '/consul/data' }],
    });
    consul.containers[0].mount('/consul/config', kplus.Volume.fromEmptyDir(this, 'config', 'config'));
  }
}
