import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArkInstallation } from '../../lib';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleChartProps } from '../settings';
import { backupStorage, snapshots } from './shared';

/**
 * Tutorial "restore into a second cluster": Velero in read-only mode on the primary's container
 * (same prefix, `accessMode: ReadOnly`, no schedules), the primary's snapshot location for disk
 * restores in the same region, and the node agent for file-system restores. It authenticates as a
 * service principal; its credentials Secret has its own name so the two clusters' requirements
 * stay apart in this one example app.
 */
export class ArkRestoreClusterChart extends Chart {
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
      readOnly: true,
      auth: {
        mode: 'servicePrincipal',
        // Subscription and tenant come from the deploying credentials; the client secret from
        // `pulumi config set --secret aks-stateful:velero-client-secret`.
        clientId: '00000000-0000-0000-0000-00000000c1d1',
        nodeResourceGroup: settings.restoreNodeResourceGroup,
      },
      credentialsSecretName: 'velero-restore-credentials',
      backupStorage: { ...backupStorage(settings), prefix: 'aks-prod' },
      volumeSnapshots: snapshots(settings),
      nodeAgent: true,
    });
  }
}
