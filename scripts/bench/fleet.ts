import { App, Chart } from 'cdk8s';
import {
  ArkInstallation,
  AzureDiskStorageClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  BackupCronJob,
  PostgresSingleton,
  ZonalStatefulSet,
} from '../../lib';

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];

/**
 * The fleet of the synthesis benchmark: per team a PostgresSingleton with a BackupCronJob, its
 * restore Job and drill, a 3-replica ZonalStatefulSet with a claim template and a claim on the
 * shared Azure Files class; shared by all: one disk class, one files class, and one
 * ArkInstallation with a schedule per team. One chart per team.
 */
export function buildFleet(app: App, teams: number): App {
  const shared = new Chart(app, 'shared');
  const disks = new AzureDiskStorageClass(shared, 'disks', { name: 'fleet-premium', sku: 'Premium_ZRS', zones: ZONES });
  const files = new AzureFileStorageClass(shared, 'files', { name: 'fleet-files', smb: { uid: 1000, gid: 1000 } });
  const velero = new ArkInstallation(new Chart(app, 'velero'), 'velero', {
    auth: {
      mode: 'workloadIdentity',
      identityName: 'id-fleet-velero',
      nodeResourceGroup: 'MC_rg-fleet_aks-fleet_westeurope',
    },
    backupStorage: { storageAccount: 'fleetvelero01', container: 'velero', resourceGroup: 'rg-fleet' },
  });
  for (let i = 0; i < teams; i++) {
    const team = `team-${String(i).padStart(4, '0')}`;
    const chart = new Chart(app, team, { namespace: team });
    const db = new PostgresSingleton(chart, 'db', {
      name: `${team}-db`,
      database: 'app',
      storageSize: '16Gi',
      storageClass: disks,
    });
    const backup = new BackupCronJob(chart, 'backup', {
      name: `${team}-db-backup`,
      database: db,
      storage: { storageAccount: 'fleetdumps01', container: 'dumps', prefix: team },
      retentionDays: 14,
    });
    backup.addRestoreJob('restore', {
      name: `${team}-db-restore`,
      mode: { mode: 'newDatabase', database: 'app_restored' },
    });
    backup.addRestoreDrill('drill', { name: `${team}-db-drill` });
    new ZonalStatefulSet(chart, 'cache', {
      name: 'cache',
      zones: ZONES,
      podSecurity: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
      containers: [{ name: 'cache', image: 'valkey/valkey:8.1', portNumber: 6379 }],
      volumeClaimTemplates: [{ name: 'data', size: '4Gi', storageClass: disks, mountPath: '/data' }],
    });
    new AzureVolumeClaim(chart, 'shared', {
      name: 'shared',
      size: '100Gi',
      storageClass: files,
      accessMode: 'ReadWriteMany',
    });
    velero.addSchedule(team, { name: team, schedule: '0 3 * * *', includedNamespaces: [team], ttl: '720h' });
  }
  return app;
}
