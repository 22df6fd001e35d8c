import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArkInstallation } from '../../lib';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleChartProps } from '../settings';
import { backupStorage, snapshots } from './shared';

/**
 * Tutorial "back up a cluster with Velero": Velero with workload identity, Azure disk snapshots,
 * the node agent for file-system backup, and a daily schedule for the `wp` namespace.
 */
export class ArkPrimaryClusterChart extends Chart {
  public readonly installation: ArkInstallation;

  /** The Velero custom resources, in their own file: apply it once the CRD job has run. */
  public readonly customResources: Chart;

  constructor(scope: Construct, id: string, props: ExampleChartProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? DEFAULT_EXAMPLE_SETTINGS;
    // No chart namespace: every custom resource names the installation's namespace itself.
    this.customResources = new Chart(scope, `${id}-resources`);
    this.installation = new ArkInstallation(this, 'velero', {
      customResourcesScope: this.customResources,
      auth: {
        mode: 'workloadIdentity',
        identityName: 'id-velero-aks-prod',
        // No clientId or subscriptionId: the Pulumi layer creates the identity, annotates the
        // service account with its client id and writes the subscription into the credentials file.
        nodeResourceGroup: settings.primaryNodeResourceGroup,
      },
      backupStorage: { ...backupStorage(settings), prefix: 'aks-prod' },
      volumeSnapshots: snapshots(settings),
      nodeAgent: true,
    });
    this.installation.addSchedule('wp-daily', {
      name: 'wp-daily',
      schedule: '0 2 * * *',
      timeZone: 'Europe/Amsterdam',
      includedNamespaces: ['wp'],
      ttl: '720h',
    });
  }
}
