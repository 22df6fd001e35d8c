import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ArkInstallation } from '../../lib';
import { BACKUP_STORAGE, SNAPSHOTS, SUBSCRIPTION_ID } from './shared';

/**
 * Tutorial "back up a cluster with Velero": Velero with workload identity, Azure disk snapshots,
 * the node agent for file-system backup, and a daily schedule for the `wp` namespace.
 */
export class ArkPrimaryClusterChart extends Chart {
  public readonly installation: ArkInstallation;

  /** The Velero custom resources, in their own file: apply it once the CRD job has run. */
  public readonly customResources: Chart;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    // No chart namespace: every custom resource names the installation's namespace itself.
    this.customResources = new Chart(scope, `${id}-resources`);
    this.installation = new ArkInstallation(this, 'velero', {
      customResourcesScope: this.customResources,
      auth: {
        mode: 'workloadIdentity',
        identityName: 'id-velero-aks-prod',
        clientId: '00000000-0000-0000-0000-00000000c1d0',
        subscriptionId: SUBSCRIPTION_ID,
        nodeResourceGroup: 'MC_rg-aks_aks-prod_westeurope',
      },
      backupStorage: { ...BACKUP_STORAGE, prefix: 'aks-prod' },
      volumeSnapshots: SNAPSHOTS,
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
