// The payments team's Pulumi program (a project of its own: Pulumi.yaml beside this file).
import * as pulumi from '@pulumi/pulumi';
import { paymentsStack } from './payments';

const config = new pulumi.Config();
const stack = paymentsStack({
  kubeconfig: config.requireSecret('kubeconfig'),
  oidcIssuerUrl: config.require('oidcIssuerUrl'),
  storageAccount: config.require('storageAccount'),
});

export const blobEndpoints = stack.blobEndpoints;
export const identityClientIds = stack.identityClientIds;
export const databaseHosts = stack.databaseHosts;
