import { App } from 'cdk8s';

/** Adds the PostgreSQL backup example chart: a database with daily dumps, a restore job and a drill. */
export function addBackupExamples(_app: App): void {
  // Filled in by the BackupCronJob work.
}
