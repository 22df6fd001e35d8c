import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BackupCronJob, PostgresSingleton } from '../../lib';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleChartProps } from '../settings';

/**
 * A PostgreSQL server with daily verified dumps to Azure Blob storage (kept 30 days), a restore Job
 * into a new database (created suspended: it runs only when started by hand), and a weekly restore
 * drill (off until enabled; run it by hand with `kubectl create job --from=cronjob/shop-db-restore-drill`).
 */
export class PostgresWithBackupsChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps = {}) {
    super(scope, id, props);
    const db = new PostgresSingleton(this, 'db', {
      name: 'shop-db',
      majorVersion: 17,
      database: 'shop',
      storageSize: '64Gi',
      initScripts: {
        '01-orders.sql':
          'CREATE TABLE orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now(), total numeric(10,2) NOT NULL);\n',
      },
    });
    const backup = new BackupCronJob(this, 'backup', {
      name: 'shop-db-backup',
      database: db,
      storage: {
        storageAccount: (props.settings ?? DEFAULT_EXAMPLE_SETTINGS).storageAccount,
        container: 'postgres-dumps',
      },
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      retentionDays: 30,
    });
    backup.addRestoreJob('restore', {
      name: 'shop-db-restore',
      mode: { mode: 'newDatabase', database: 'shop_restored' },
    });
    backup.addRestoreDrill('drill', {
      name: 'shop-db-restore-drill',
      verificationQuery: "SELECT to_regclass('public.orders') IS NOT NULL",
    });
  }
}
