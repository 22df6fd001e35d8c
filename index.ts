// The Pulumi program named in Pulumi.yaml. For now it builds the example app and exports the
// Azure requirements it declares as a stack output; provisioning them and applying the manifests
// is the Pulumi layer's job (lib/pulumi, lib/azure), which is not written yet.
import { App } from 'cdk8s';
import { listAzureRequirements } from './lib';
import { buildExampleApp } from './examples';

export const azureRequirements = listAzureRequirements(buildExampleApp(new App()));
