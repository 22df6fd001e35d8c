import { App } from 'cdk8s';
import { withNamespace } from '../with-namespace';
import { ExampleSettings } from '../settings';
import { PostgresWithBackupsChart } from './postgres-with-backups';

/** Adds the PostgreSQL backup example chart: a database with daily dumps, a restore job and a drill. */
export function addBackupExamples(app: App, settings: ExampleSettings): void {
  withNamespace(new PostgresWithBackupsChart(app, 'postgres-backup', { namespace: 'postgres-backup', settings }));
}
