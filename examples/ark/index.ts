import { App } from 'cdk8s';
import { ArkPrimaryClusterChart } from './primary-cluster';
import { ArkRestoreClusterChart } from './restore-cluster';
import { ExampleSettings } from '../settings';
import { setTargetCluster } from '../../lib';

// ArkInstallation renders its own Namespace first, so no withNamespace here.

/** Adds the Velero (Heptio Ark) primary cluster: Velero with schedules, writing backups. */
export function addArkPrimaryExample(app: App, settings: ExampleSettings): void {
  new ArkPrimaryClusterChart(app, 'ark-primary', { namespace: 'velero', settings });
}

/** Adds the read-only restore cluster of the migration scenario (a second cluster, never the primary's). */
export function addArkRestoreExample(app: App, settings: ExampleSettings): void {
  const restore = new ArkRestoreClusterChart(app, 'ark-restore', { namespace: 'velero', settings });
  // Same Velero namespace and names as the primary's: another cluster, so not a duplicate.
  setTargetCluster(restore, 'restore');
  setTargetCluster(restore.customResources, 'restore');
}
