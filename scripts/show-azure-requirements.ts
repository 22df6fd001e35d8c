// Prints the table of Azure resources the synthesized app needs (the cdk8s CLI hides the app's
// own output, so `npm run synth` runs this after it, from dist/azure-requirements.json).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ListedAzureRequirement, formatAzureRequirements } from '../lib';

const file = path.resolve(process.argv[2] ?? 'dist/azure-requirements.json');
const requirements = JSON.parse(fs.readFileSync(file, 'utf8')) as ListedAzureRequirement[];
process.stdout.write(
  `Azure resources the app needs (${path.relative(process.cwd(), file)}); \`pulumi up\` creates them (README "Deploy with Pulumi"), or create them by hand:\n`,
);
process.stdout.write(`${formatAzureRequirements(requirements)}\n`);
