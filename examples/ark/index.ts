import { App } from 'cdk8s';
import { ArkPrimaryClusterChart } from './primary-cluster';
import { ArkRestoreClusterChart } from './restore-cluster';

// ArkInstallation renders its own Namespace first, so no withNamespace here.

/** Adds the Velero (Heptio Ark) primary cluster: Velero with schedules, writing backups. */
export function addArkPrimaryExample(app: App): void {
  new ArkPrimaryClusterChart(app, 'ark-primary', { namespace: 'velero' });
}

/** Adds the read-only restore cluster of the migration scenario (a second cluster, never the primary's). */
export function addArkRestoreExample(app: App): void {
  new ArkRestoreClusterChart(app, 'ark-restore', { namespace: 'velero' });
}

