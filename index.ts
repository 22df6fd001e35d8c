// The Pulumi program named in Pulumi.yaml: deploys the example charts chosen by config to this
// stack's cluster through StatefulStack (README "Deploy with Pulumi"). Every key is documented in
// Pulumi.yaml (declared there, but for the two ark-restore keys, which have no default).
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { AksStatefulValidationError } from './lib';
import { StatefulStack, StatefulStackConfigError } from './lib/pulumi';
import { DEFAULT_CLUSTER_EXAMPLES, EXAMPLE_GROUPS, ExampleGroup, addExamples } from './examples';
import { DEFAULT_EXAMPLE_SETTINGS } from './examples/settings';

const config = new pulumi.Config('aks-stateful');
// Optional keys are declared with "" as their default in Pulumi.yaml: "" means unset.
const optional = (key: string) => config.get(key) || undefined;

const problems: AksStatefulValidationError[] = [];
const groups = (optional('examples') ?? DEFAULT_CLUSTER_EXAMPLES.join(','))
  .split(',')
  .map((g) => g.trim())
  .filter(Boolean) as ExampleGroup[];
for (const group of groups) {
  if (!EXAMPLE_GROUPS.includes(group))
    problems.push(
      new AksStatefulValidationError(
        'config aks-stateful:examples',
        'example group',
        group,
        `a comma-separated list of ${EXAMPLE_GROUPS.join(', ')}`,
      ),
    );
}
if (groups.includes('ark-primary') && groups.includes('ark-restore')) {
  problems.push(
    new AksStatefulValidationError(
      'config aks-stateful:examples',
      'example groups',
      groups.join(','),
      'ark-primary or ark-restore, not both: they are two clusters with the same objects; give the restore cluster its own stack',
    ),
  );
}
const needs = (key: string, forGroups: readonly ExampleGroup[], what: string): string => {
  const value = optional(key);
  if (value === undefined && groups.some((g) => forGroups.includes(g))) {
    problems.push(
      new AksStatefulValidationError(
        `config aks-stateful:${key}`,
        key,
        undefined,
        `${what}: pulumi config set aks-stateful:${key} <value>`,
      ),
    );
  }
  return value ?? '';
};
const resourceGroupName = config.get('resourceGroupName') ?? '';
const nodeResourceGroup = needs(
  'nodeResourceGroup',
  ['ark-primary', 'ark-restore'],
  "the cluster's node resource group (az aks show --query nodeResourceGroup -o tsv)",
);
const settings = {
  ...DEFAULT_EXAMPLE_SETTINGS,
  storageAccount: needs(
    'exampleStorageAccount',
    ['storage', 'backup'],
    'a globally unique storage account name (3-24 lowercase letters and digits) for the dumps and the static share',
  ),
  veleroStorageAccount: needs(
    'veleroStorageAccount',
    ['ark-primary', 'ark-restore'],
    "a globally unique storage account name for Velero's backups",
  ),
  backupResourceGroup: resourceGroupName,
  // Velero's identity gets Contributor on the snapshot group: a group of its own keeps that away
  // from the storage accounts and identities in resourceGroupName.
  snapshotResourceGroup: optional('snapshotResourceGroup') ?? resourceGroupName,
  // One cluster per stack: whichever Velero cluster this stack is, it is this cluster's group.
  primaryNodeResourceGroup: nodeResourceGroup,
  restoreNodeResourceGroup: nodeResourceGroup,
};
if (problems.length > 0) throw new StatefulStackConfigError(problems);

const app = new App();
const charts = addExamples(app, groups, settings);
const softDeleteDays = config.getNumber('softDeleteDays');
const stack = new StatefulStack('aks-stateful', {
  app,
  charts,
  resourceGroupName,
  cluster: {
    // getSecret alone would hide a missing value inside an Output; StatefulStack reports it.
    kubeconfig: config.get('kubeconfig') === undefined ? undefined : config.getSecret('kubeconfig'),
    oidcIssuerUrl: optional('oidcIssuerUrl'),
    nodeResourceGroup: optional('nodeResourceGroup'),
  },
  ...(softDeleteDays === undefined ? {} : { softDeleteDays }),
  dataProtection: (optional('dataProtection') ?? 'retainOnDelete') as 'retainOnDelete',
});

/** Storage account name → blob endpoint. */
export const blobEndpoints = stack.blobEndpoints;
/** Managed identity name → client id (not a secret). */
export const identityClientIds = stack.identityClientIds;
/** PostgreSQL hosts inside the cluster, by construct path. */
export const databaseHosts = stack.databaseHosts;
