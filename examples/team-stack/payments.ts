// A platform team's stack, written the way a consumer of the package writes it: constructs from
// 'aks-stateful', the deploy layer from 'aks-stateful/pulumi'. The test suite type-checks it and
// runs it under Pulumi mocks (test/pulumi/team-stack.test.ts).
import * as pulumi from '@pulumi/pulumi';
import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AzureDiskStorageClass, BackupCronJob, PostgresSingleton, ZonalStatefulSet } from 'aks-stateful';
import { StatefulStack } from 'aks-stateful/pulumi';

/** The payments team's workloads: a ledger database with nightly dumps, and a zonal cache. */
export class PaymentsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps & { readonly storageAccount: string }) {
    super(scope, id, props);
    // Every pod below meets Pod Security "restricted": the namespace enforces it (docs/security.md).
    const restricted = Object.fromEntries(
      ['enforce', 'audit', 'warn'].flatMap((mode) => [
        [`pod-security.kubernetes.io/${mode}`, 'restricted'],
        [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
      ]),
    );
    new kplus.Namespace(this, 'namespace', { metadata: { name: props.namespace, labels: restricted } });
    const ledger = new PostgresSingleton(this, 'ledger-db', {
      name: 'ledger-db',
      majorVersion: 17,
      database: 'ledger',
      storageSize: '128Gi',
    });
    const backup = new BackupCronJob(this, 'ledger-backup', {
      name: 'ledger-db-backup',
      database: ledger,
      // Workload identity without a client id: the stack creates the identity and fills it in.
      storage: {
        storageAccount: props.storageAccount,
        container: 'ledger-dumps',
        auth: { mode: 'workloadIdentity', identityName: 'id-payments-backup' },
      },
      schedule: '15 1 * * *',
      timeZone: 'Etc/UTC',
      retentionDays: 35,
    });
    backup.addRestoreJob('ledger-restore', {
      name: 'ledger-db-restore',
      mode: { mode: 'newDatabase', database: 'ledger_restored' },
    });
    const zones = ['westeurope-1', 'westeurope-2', 'westeurope-3'];
    const disks = new AzureDiskStorageClass(this, 'cache-disks', { name: 'payments-cache', sku: 'Premium_ZRS', zones });
    new ZonalStatefulSet(this, 'cache', {
      name: 'cache',
      zones,
      podSecurity: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
      containers: [{ name: 'valkey', image: 'valkey/valkey:8.1', portNumber: 6379 }],
      volumeClaimTemplates: [{ name: 'data', size: '8Gi', storageClass: disks, mountPath: '/data' }],
    });
  }
}

/** What the payments stack needs to know about its cluster and Azure. */
export interface PaymentsStackConfig {
  readonly kubeconfig: pulumi.Input<string>;
  readonly oidcIssuerUrl: pulumi.Input<string>;
  readonly storageAccount: string;
}

/** The whole stack: a cdk8s App and one StatefulStack. */
export function paymentsStack(config: PaymentsStackConfig): StatefulStack {
  const app = new App();
  new PaymentsChart(app, 'payments', { namespace: 'payments', storageAccount: config.storageAccount });
  return new StatefulStack('payments', {
    app,
    resourceGroupName: 'rg-payments',
    cluster: { kubeconfig: config.kubeconfig, oidcIssuerUrl: config.oidcIssuerUrl },
  });
}
