import { App } from 'cdk8s';
import { addArkExamples } from './ark';
import { addBackupExamples } from './backup';
import { addStorageExamples } from './storage';
import { addWorkloadExamples } from './workloads';

/** Every example chart of the repository, as `npm run synth` builds them. */
export function buildExampleApp(app: App = new App()): App {
  addStorageExamples(app);
  addWorkloadExamples(app);
  addBackupExamples(app);
  addArkExamples(app);
  return app;
}
