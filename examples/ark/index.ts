import { App } from 'cdk8s';
import { ArkPrimaryClusterChart } from './primary-cluster';
import { ArkRestoreClusterChart } from './restore-cluster';

/** Adds the Velero (Heptio Ark) example charts: the primary cluster and the read-only restore cluster. */
export function addArkExamples(app: App): void {
  // ArkInstallation renders its own Namespace first, so no withNamespace here.
  new ArkPrimaryClusterChart(app, 'ark-primary', { namespace: 'velero' });
  new ArkRestoreClusterChart(app, 'ark-restore', { namespace: 'velero' });
}
