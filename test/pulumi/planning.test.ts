import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { declareAzureRequirement } from '../../lib/azure/requirements';
import { StatefulStack, StatefulStackConfigError } from '../../lib/pulumi';
import { credentialName } from '../../lib/pulumi/workload-identity';
import { addExamples } from '../../examples';
import { PROGRAM_SETTINGS } from './support/example-config';
import { MOCK_SUBSCRIPTION, RecordedResource, installMocks, ofType, settle } from './support/mocks';

const CLUSTER = {
  kubeconfig: 'kubeconfig',
  oidcIssuerUrl: 'https://issuer.example/t/i/',
  nodeResourceGroup: 'MC_rg_aks_westeurope',
};
const LOCATION = { 'azure-native:location': 'westeurope' };

async function deploy(
  build: (app: App) => void,
  extra: Record<string, unknown> = {},
  config: Record<string, string> = LOCATION,
): Promise<RecordedResource[]> {
  const recorded = await installMocks(
    config,
    Object.keys(config).filter((k) => k.includes('secret')),
  );
  const app = new App();
  build(app);
  new StatefulStack('s', { app, resourceGroupName: 'rg-aks', cluster: CLUSTER, ...extra });
  await settle(recorded);
  return recorded;
}

describe('StatefulStack planning', () => {
  it("a read-only Velero location's stack refers to the primary's account and container, creating neither", async () => {
    const recorded = await deploy(
      (app) => addExamples(app, ['ark-restore'], PROGRAM_SETTINGS),
      { servicePrincipalObjectIds: { '00000000-0000-0000-0000-00000000c1d1': 'aaaaaaaa-0000-0000-0000-000000000001' } },
      { ...LOCATION, 'aks-stateful:velero-client-secret': 'x' },
    );
    for (const type of ['StorageAccount', 'BlobContainer', 'BlobServiceProperties', 'ManagementPolicy'])
      expect(ofType(recorded, `azure-native:storage:${type}`)).toEqual([]);
    const account = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-aks-demo/providers/Microsoft.Storage/storageAccounts/demovelero42`;
    expect(ofType(recorded, 'azure-native:authorization:RoleAssignment').map((r) => r.inputs.scope)).toEqual(
      expect.arrayContaining([account, `${account}/blobServices/default/containers/velero`]),
    );
  });

  it('refuses retention rules on an account owned elsewhere', async () => {
    await installMocks(LOCATION);
    const app = new App();
    const chart = new Chart(app, 'c');
    declareAzureRequirement(chart, { kind: 'storageAccount', account: 'theiracct01', existing: true });
    declareAzureRequirement(chart, {
      kind: 'blobContainer',
      account: 'theiracct01',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'x/', deleteAfterDays: 3 }],
    });
    expect(() => new StatefulStack('s', { app, resourceGroupName: 'rg', cluster: CLUSTER })).toThrow(
      StatefulStackConfigError,
    );
    expect(() => new StatefulStack('s', { app, resourceGroupName: 'rg', cluster: CLUSTER })).toThrow(
      /retention rules of containers in existing storage account theiracct01 \["dumps"\] is not allowed/,
    );
  });

  it('names federated credentials as Azure allows, distinct for names that would join alike', () => {
    const names = [
      credentialName({ namespace: 'a-b', serviceAccount: 'c' }),
      credentialName({ namespace: 'a', serviceAccount: 'b-c' }),
      credentialName({ namespace: 'team', serviceAccount: 'my.sa' }),
      credentialName({ namespace: 'n'.repeat(63), serviceAccount: 's'.repeat(200) }),
    ];
    expect(names[1]).toBe('a-b-c');
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
  });

  it('grants a role once however its declaration orders its keys', async () => {
    const recorded = await deploy((app) => {
      const chart = new Chart(app, 'c');
      declareAzureRequirement(chart, {
        kind: 'workloadIdentity',
        identity: 'id-one',
        namespace: 'n',
        serviceAccount: 'a',
        roles: [{ role: 'Reader', scope: { type: 'storageAccount', account: 'acct01' } }],
      });
      declareAzureRequirement(chart, {
        kind: 'workloadIdentity',
        identity: 'id-one',
        namespace: 'n',
        serviceAccount: 'b',
        roles: [{ scope: { account: 'acct01', type: 'storageAccount' }, role: 'Reader' } as never],
      });
    });
    expect(ofType(recorded, 'azure-native:authorization:RoleAssignment')).toHaveLength(1);
    expect(ofType(recorded, 'azure-native:managedidentity:FederatedIdentityCredential')).toHaveLength(2);
  });

  it('lists each contradicting requirement once among the problems, with the other configuration mistakes', async () => {
    await installMocks(LOCATION);
    const app = new App();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    for (const [chart, quotaGiB, deleteAfterDays] of [
      [a, 100, 7],
      [b, 200, 30],
    ] as const) {
      declareAzureRequirement(chart, { kind: 'fileShare', account: 'shared01', share: 'data', quotaGiB });
      declareAzureRequirement(chart, {
        kind: 'blobContainer',
        account: 'shared01',
        container: 'dumps',
        lifecycleRules: [{ prefix: 'db/', deleteAfterDays }],
      });
    }
    let thrown: unknown;
    try {
      new StatefulStack('s', { app, resourceGroupName: 'rg with spaces', cluster: CLUSTER });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StatefulStackConfigError);
    const messages = (thrown as StatefulStackConfigError).problems.map((p) => p.message);
    expect(messages.filter((m) => /quota/i.test(m) && m.includes('a') && m.includes('b'))).toHaveLength(1);
    expect(messages.filter((m) => /retention/i.test(m))).toHaveLength(1);
    expect(messages.some((m) => /resourceGroupName/.test(m))).toBe(true);
    expect(messages.every((m) => !m.includes('problems'))).toBe(true);
  });

  it('defaults premium kinds to a premium SKU and refuses blobs or shares on a premium StorageV2 account', async () => {
    const recorded = await deploy((app) => {
      const chart = new Chart(app, 'c');
      declareAzureRequirement(chart, { kind: 'storageAccount', account: 'premfiles01', accountKind: 'FileStorage' });
      declareAzureRequirement(chart, {
        kind: 'fileShare',
        account: 'premfiles01',
        share: 'data',
        quotaGiB: 100,
        protocol: 'NFS',
      });
    });
    expect(ofType(recorded, 'azure-native:storage:StorageAccount')[0].inputs).toMatchObject({
      kind: 'FileStorage',
      sku: { name: 'Premium_LRS' },
      enableHttpsTrafficOnly: false,
    });
    expect(ofType(recorded, 'azure-native:storage:FileShare')[0].inputs).toMatchObject({
      enabledProtocols: 'NFS',
      rootSquash: 'RootSquash',
    });
    await installMocks(LOCATION);
    const app = new App();
    const chart = new Chart(app, 'c');
    declareAzureRequirement(chart, { kind: 'storageAccount', account: 'premv201', sku: 'Premium_LRS' });
    declareAzureRequirement(chart, { kind: 'blobContainer', account: 'premv201', container: 'dumps' });
    expect(() => new StatefulStack('s', { app, resourceGroupName: 'rg', cluster: CLUSTER })).toThrow(
      /sku of storage account premv201 "Premium_LRS" is not allowed: a Standard SKU for StorageV2/,
    );
  });

  it('orders objects without a namespace after the objects without one that they name', async () => {
    const recorded = await deploy((app) => {
      const chart = new Chart(app, 'plain');
      new ApiObject(chart, 'cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
        data: { a: 'b' },
      });
      new ApiObject(chart, 'pod', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'reader' },
        spec: { containers: [{ name: 'r', image: 'busybox:1.37', envFrom: [{ configMapRef: { name: 'settings' } }] }] },
      });
    });
    const pod = recorded.find((r) => r.type === 'kubernetes:core/v1:Pod')!;
    const cm = recorded.find((r) => r.type === 'kubernetes:core/v1:ConfigMap')!;
    expect(pod.dependencies).toContain(cm.urn);
  });

  it('refuses malformed values, not only missing ones', async () => {
    await installMocks({ 'azure-native:location': 'West Europe' });
    const app = new App();
    addExamples(app, ['ark-restore'], PROGRAM_SETTINGS);
    let error: unknown;
    try {
      new StatefulStack('s', {
        app,
        resourceGroupName: 'rg/bad',
        cluster: { ...CLUSTER, oidcIssuerUrl: 'http://issuer' },
        servicePrincipalObjectIds: { '00000000-0000-0000-0000-00000000c1d1': 'velero-sp' },
      });
    } catch (e) {
      error = e;
    }
    expect((error as StatefulStackConfigError).problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/resourceGroupName "rg\/bad" is not allowed/),
        expect.stringMatching(
          /location \(config azure-native:location\) "West Europe" is not allowed: an Azure region name like westeurope/,
        ),
        expect.stringMatching(
          /object id of service principal 00000000-0000-0000-0000-00000000c1d1 "velero-sp" is not allowed: its Entra ID object id \(a GUID/,
        ),
      ]),
    );
  });
});
