// The cdk8s app named in cdk8s.yaml: synthesizes every example into dist/ and lists what the
// examples need from Azure to dist/azure-requirements.json (scripts/show-azure-requirements.ts prints it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { listAzureRequirements } from './lib';
import { buildExampleApp } from './examples';

const app = buildExampleApp(new App());
app.synth();

const requirements = listAzureRequirements(app);
fs.writeFileSync(path.join(app.outdir, 'azure-requirements.json'), `${JSON.stringify(requirements, null, 2)}\n`);
