import { App, Chart } from 'cdk8s';
import { addArkPrimaryExample, addArkRestoreExample } from './ark';
import { addBackupExamples } from './backup';
import { addStorageExamples } from './storage';
import { addWorkloadExamples } from './workloads';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleSettings } from './settings';

/**
 * The example groups, each a set of charts: `ark-primary` and `ark-restore` are the two clusters
 * of the Velero migration scenario (same namespace and names) and never go to one cluster.
 */
export const EXAMPLE_GROUPS = ['storage', 'workloads', 'backup', 'ark-primary', 'ark-restore'] as const;

/** One of {@link EXAMPLE_GROUPS}. */
export type ExampleGroup = (typeof EXAMPLE_GROUPS)[number];

/** The groups one cluster gets by default: everything but the Velero restore cluster. */
export const DEFAULT_CLUSTER_EXAMPLES: readonly ExampleGroup[] = ['storage', 'workloads', 'backup', 'ark-primary'];

const ADD: Readonly<Record<ExampleGroup, (app: App, settings: ExampleSettings) => void>> = {
  storage: addStorageExamples,
  workloads: addWorkloadExamples,
  backup: addBackupExamples,
  'ark-primary': addArkPrimaryExample,
  'ark-restore': addArkRestoreExample,
};

/** Adds the charts of the given example groups to `app` (with the given Azure names) and returns them. */
export function addExamples(
  app: App,
  groups: readonly ExampleGroup[],
  settings: ExampleSettings = DEFAULT_EXAMPLE_SETTINGS,
): Chart[] {
  const before = new Set(app.charts);
  for (const group of EXAMPLE_GROUPS) if (groups.includes(group)) ADD[group](app, settings);
  return app.charts.filter((chart) => !before.has(chart));
}

/** Every example chart of the repository, as `npm run synth` builds them. */
export function buildExampleApp(app: App = new App()): App {
  addExamples(app, EXAMPLE_GROUPS);
  return app;
}
