import { App } from 'cdk8s';
import { DEFAULT_CLUSTER_EXAMPLES, ExampleGroup, addExamples } from '../../../examples';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleSettings } from '../../../examples/settings';

/** Stack config of the repository's program as README's "Deploy with Pulumi" sets it. */
export const PROGRAM_CONFIG: Record<string, string> = {
  'azure-native:location': 'westeurope',
  'aks-stateful:resourceGroupName': 'rg-aks-demo',
  'aks-stateful:kubeconfig':
    'apiVersion: v1\nkind: Config\nusers: [{ name: demo, user: { token: mock-kubeconfig-token-5ecret } }]\n',
  'aks-stateful:oidcIssuerUrl': 'https://westeurope.oic.prod-aks.azure.com/tenant/issuer/',
  'aks-stateful:nodeResourceGroup': 'MC_rg-aks-demo_aks-demo_westeurope',
  'aks-stateful:exampleStorageAccount': 'demoexamples42',
  'aks-stateful:veleroStorageAccount': 'demovelero42',
};

/** Secret config keys of {@link PROGRAM_CONFIG}. */
export const PROGRAM_SECRET_KEYS = ['aks-stateful:kubeconfig'];

/** The settings the program derives from {@link PROGRAM_CONFIG}. */
export const PROGRAM_SETTINGS: ExampleSettings = {
  ...DEFAULT_EXAMPLE_SETTINGS,
  storageAccount: 'demoexamples42',
  veleroStorageAccount: 'demovelero42',
  backupResourceGroup: 'rg-aks-demo',
  snapshotResourceGroup: 'rg-aks-demo',
  primaryNodeResourceGroup: 'MC_rg-aks-demo_aks-demo_westeurope',
  restoreNodeResourceGroup: 'MC_rg-aks-demo_aks-demo_westeurope',
};

/** The charts the program deploys with {@link PROGRAM_CONFIG}, built again for the test to compare with. */
export function programCharts(groups: readonly ExampleGroup[] = DEFAULT_CLUSTER_EXAMPLES) {
  const app = new App();
  return { app, charts: addExamples(app, groups, PROGRAM_SETTINGS) };
}
