import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { ArkInstallation } from '../../lib';
import { declareAzureRequirement } from '../../lib/azure/requirements';
import { StatefulStack, StatefulStackArgs, StatefulStackConfigError } from '../../lib/pulumi';
import { addExamples } from '../../examples';
import { PROGRAM_CONFIG, PROGRAM_SECRET_KEYS, PROGRAM_SETTINGS } from './support/example-config';
import { installMocks, settle } from './support/mocks';

const CLUSTER = {
  kubeconfig: 'kubeconfig',
  oidcIssuerUrl: 'https://issuer.example/t/i/',
  nodeResourceGroup: 'MC_rg_aks_westeurope',
};

/** Builds a stack and returns its problems' messages; asserts that nothing at all was registered. */
async function problemsOf(
  config: Record<string, string>,
  build: (app: App) => Partial<StatefulStackArgs>,
): Promise<string[]> {
  const recorded = await installMocks(config);
  const app = new App();
  const extra = build(app);
  let error: unknown;
  try {
    new StatefulStack('bad', { app, resourceGroupName: 'rg-aks', cluster: CLUSTER, ...extra } as StatefulStackArgs);
  } catch (e) {
    error = e;
  }
  await settle(recorded, 100);
  expect(recorded).toEqual([]);
  expect(error).toBeInstanceOf(StatefulStackConfigError);
  return (error as StatefulStackConfigError).problems.map((p) => p.message);
}

const LOCATION = { 'azure-native:location': 'westeurope' };
const primary = (app: App) => ({ charts: addExamples(app, ['ark-primary'], PROGRAM_SETTINGS) });
const restore = (app: App) => ({ charts: addExamples(app, ['ark-restore'], PROGRAM_SETTINGS) });

describe('StatefulStack refuses bad config before registering anything', () => {
  it('reports every missing setting at once, each with the command that sets it', async () => {
    const messages = await problemsOf({}, (app) => ({
      ...primary(app),
      resourceGroupName: undefined as unknown as string,
      cluster: {},
    }));
    expect(messages).toEqual([
      expect.stringMatching(
        /^StatefulStack bad: resourceGroupName \(unset\) is not allowed: the name of an existing resource group .*pulumi config set aks-stateful:resourceGroupName/,
      ),
      expect.stringMatching(
        /location \(config azure-native:location\) \(unset\) is not allowed: .*pulumi config set azure-native:location westeurope/,
      ),
      expect.stringMatching(/cluster\.kubeconfig \(unset\) is not allowed: .*az aks get-credentials/),
      expect.stringMatching(
        /cluster\.oidcIssuerUrl \(unset\) is not allowed: the cluster's OIDC issuer URL, needed for the workload identities id-velero-aks-prod: az aks show .*oidcIssuerProfile\.issuerUrl/,
      ),
    ]);
  });

  it('needs the OIDC issuer only when a workload identity is declared', async () => {
    const recorded = await installMocks(LOCATION);
    const app = new App();
    expect(
      () =>
        new StatefulStack('ok', {
          app,
          charts: addExamples(app, ['storage'], PROGRAM_SETTINGS),
          resourceGroupName: 'rg',
          cluster: { kubeconfig: 'k' },
        }),
    ).not.toThrow();
    await settle(recorded);
    expect(recorded.length).toBeGreaterThan(10);
  });

  it('names the secret config key a provided value needs, and the object id a service principal needs', async () => {
    const messages = await problemsOf(LOCATION, restore);
    expect(messages).toEqual([
      expect.stringMatching(
        /^ark-restore-resources\/velero-BackupStorageLocation, ark-restore-resources\/velero-VolumeSnapshotLocation: object id of service principal 00000000-0000-0000-0000-00000000c1d1 \(unset\) is not allowed: .*pulumi config set --path 'aks-stateful:servicePrincipalObjectIds\["00000000-0000-0000-0000-00000000c1d1"\]' "\$\(az ad sp show --id 00000000-0000-0000-0000-00000000c1d1 --query id -o tsv\)"/,
      ),
      expect.stringMatching(
        /^ark-restore\/velero: config aks-stateful:velero-client-secret \(unset\) is not allowed: client secret of service principal 00000000-0000-0000-0000-00000000c1d1, for key cloud of Secret velero\/velero-restore-credentials: pulumi config set --secret aks-stateful:velero-client-secret <value>$/,
      ),
    ]);
    const recorded = await installMocks(
      { ...LOCATION, 'aks-stateful:velero-client-secret': 'mock-client-secret-5ecret' },
      ['aks-stateful:velero-client-secret'],
    );
    const app = new App();
    new StatefulStack('restore', {
      app,
      ...restore(app),
      resourceGroupName: 'rg-aks',
      cluster: CLUSTER,
      servicePrincipalObjectIds: { '00000000-0000-0000-0000-00000000c1d1': 'aaaaaaaa-0000-0000-0000-000000000001' },
    });
    await settle(recorded);
    const assignments = recorded.filter((r) => r.type === 'azure-native:authorization:RoleAssignment');
    expect(assignments.length).toBe(4);
    expect(new Set(assignments.map((a) => a.inputs.principalId))).toEqual(
      new Set(['aaaaaaaa-0000-0000-0000-000000000001']),
    );
    expect(
      JSON.stringify(recorded.filter((r) => r.type !== 'kubernetes:core/v1:Secret').map((r) => r.inputs)),
    ).not.toContain('mock-client-secret-5ecret');
  });

  it('refuses two charts that produce the same object for one cluster, naming both', async () => {
    const messages = await problemsOf(LOCATION, (app) => ({
      charts: addExamples(app, ['ark-primary', 'ark-restore'], PROGRAM_SETTINGS),
    }));
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^ark-restore: Deployment velero\/velero "apps\/v1\/Deployment::velero\/velero" is not allowed: one object per kind\/namespace\/name in one cluster: ark-primary produces it too/,
      ),
    );
  });

  it('refuses roles it cannot resolve, unless their definition id is given', async () => {
    const custom = (app: App) => {
      const chart = new Chart(app, 'velero');
      new ArkInstallation(chart, 'velero', {
        auth: { mode: 'workloadIdentity', identityName: 'id-velero', nodeResourceGroup: 'MC_rg_aks_westeurope' },
        backupStorage: { storageAccount: 'veleroacct01', container: 'velero', resourceGroup: 'rg-aks' },
        volumeSnapshots: { resourceGroup: 'rg-snapshots', role: 'Velero Snapshot Operator' },
      });
      return {};
    };
    expect(await problemsOf(LOCATION, custom)).toEqual([
      expect.stringMatching(
        /^velero\/velero\/BackupStorageLocation, velero\/velero\/VolumeSnapshotLocation: role "Velero Snapshot Operator" is not allowed: a built-in role the layer knows .* customRoleDefinitionIds: \{ 'Velero Snapshot Operator': '<role definition GUID>' \}/,
      ),
    ]);
    const recorded = await installMocks(LOCATION);
    const app = new App();
    custom(app);
    new StatefulStack('custom', {
      app,
      resourceGroupName: 'rg-aks',
      cluster: CLUSTER,
      customRoleDefinitionIds: { 'Velero Snapshot Operator': '12345678-1234-1234-1234-123456789abc' },
    });
    await settle(recorded);
    expect(
      recorded
        .filter((r) => r.type === 'azure-native:authorization:RoleAssignment')
        .map((r) => r.inputs.roleDefinitionId.split('/').pop()),
    ).toContain('12345678-1234-1234-1234-123456789abc');
  });

  it('refuses NFS outside a premium FileStorage account, and blob containers in one', async () => {
    const nfs = (kind?: 'FileStorage') => (app: App) => {
      const chart = new Chart(app, 'shares');
      declareAzureRequirement(chart, {
        kind: 'storageAccount',
        account: 'nfsacct01',
        ...(kind ? { accountKind: kind, sku: 'Premium_LRS' } : {}),
      });
      declareAzureRequirement(chart, {
        kind: 'fileShare',
        account: 'nfsacct01',
        share: 'data',
        quotaGiB: 50,
        protocol: 'NFS',
      });
      if (kind) declareAzureRequirement(chart, { kind: 'blobContainer', account: 'nfsacct01', container: 'dumps' });
      return {};
    };
    expect(await problemsOf(LOCATION, nfs())).toEqual([
      expect.stringMatching(
        /^shares: protocol of file share nfsacct01\/data "NFS" is not allowed: SMB, or NFS on a storage account declared with accountKind 'FileStorage'/,
      ),
    ]);
    expect(await problemsOf(LOCATION, nfs('FileStorage'))).toEqual([
      expect.stringMatching(
        /blob containers of storage account nfsacct01 \["dumps"\] is not allowed: none: a FileStorage account has no blob service/,
      ),
      expect.stringMatching(/quota of file share nfsacct01\/data 50 is not allowed: at least 100 GiB/),
    ]);
  });

  it('refuses a Secret with values among the manifests (it would land in the state in plain text)', async () => {
    const messages = await problemsOf(LOCATION, (app) => {
      new ApiObject(new Chart(app, 'team', { namespace: 'team' }), 'secret', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'token' },
        stringData: { token: 'x' },
      });
      return {};
    });
    expect(messages).toEqual([
      expect.stringMatching(
        /^team: Secret team\/token "\(values hidden\)" is not allowed: no Secret with values in the manifests .* declare it as a kubernetesSecret requirement/,
      ),
    ]);
  });

  it('refuses a manifest Secret with the name of a declared one', async () => {
    const messages = await problemsOf(LOCATION, (app) => {
      const chart = new Chart(app, 'team', { namespace: 'team' });
      new ApiObject(chart, 'secret', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db-credentials' },
        type: 'Opaque',
      });
      declareAzureRequirement(chart, {
        kind: 'kubernetesSecret',
        namespace: 'team',
        name: 'db-credentials',
        keys: { password: { from: 'generatedPassword', length: 32 } },
      });
      return {};
    });
    expect(messages).toEqual([
      expect.stringMatching(
        /^team: Secret team\/db-credentials "in the manifests" is not allowed: a declared Secret only/,
      ),
    ]);
  });

  it("needs the cluster's node resource group when Velero's credentials file takes it from the stack", async () => {
    const messages = await problemsOf(LOCATION, (app) => {
      new ArkInstallation(new Chart(app, 'velero'), 'velero', {
        auth: { mode: 'workloadIdentity', identityName: 'id-velero' },
        backupStorage: { storageAccount: 'veleroacct01', container: 'velero', resourceGroup: 'rg-aks' },
      });
      return { cluster: { ...CLUSTER, nodeResourceGroup: undefined } };
    });
    expect(messages).toEqual([
      expect.stringMatching(
        /^velero\/velero: cluster\.nodeResourceGroup \(unset\) is not allowed: the cluster's node resource group \(MC_\.\.\.\), for Secret velero\/cloud-credentials/,
      ),
    ]);
  });

  it('checks its own settings', async () => {
    const messages = await problemsOf(LOCATION, (app) => ({
      ...primary(app),
      softDeleteDays: 0,
      dataProtection: 'keep' as 'protect',
      charts: [new Chart(new App(), 'elsewhere')],
    }));
    expect(messages).toEqual([
      expect.stringMatching(/charts\[0\] "elsewhere" is not allowed: a chart of the given app/),
      expect.stringMatching(/softDeleteDays 0 is not allowed: a whole number of days from 1 to 365/),
      expect.stringMatching(/dataProtection "keep" is not allowed: one of retainOnDelete, protect, none/),
    ]);
  });
});

const without = (config: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(config).filter(([k]) => k !== key));

describe('the repository program refuses bad config', () => {
  const run = async (config: Record<string, string>) => {
    const recorded = await installMocks(config, PROGRAM_SECRET_KEYS);
    vi.resetModules();
    const error = await import('../../index.js').then(
      () => undefined,
      (e: unknown) => e,
    );
    await settle(recorded, 100);
    expect(recorded).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    return (error as StatefulStackConfigError).problems.map((p) => p.message);
  };

  it('refuses both Velero clusters in one stack, unknown groups and missing account names', async () => {
    const withoutAccount = without(PROGRAM_CONFIG, 'aks-stateful:exampleStorageAccount');
    expect(await run({ ...withoutAccount, 'aks-stateful:examples': 'storage,ark-primary,ark-restore,nosuch' })).toEqual(
      [
        expect.stringMatching(
          /^config aks-stateful:examples: example group "nosuch" is not allowed: a comma-separated list of storage, workloads, backup, ark-primary, ark-restore/,
        ),
        expect.stringMatching(/ark-primary or ark-restore, not both/),
        expect.stringMatching(
          /^config aks-stateful:exampleStorageAccount: exampleStorageAccount \(unset\) is not allowed: a globally unique storage account name .*pulumi config set aks-stateful:exampleStorageAccount <value>/,
        ),
      ],
    );
  });

  it("passes the stack's own checks through: a missing kubeconfig", async () => {
    expect(await run(without(PROGRAM_CONFIG, 'aks-stateful:kubeconfig'))).toEqual([
      expect.stringMatching(/^StatefulStack aks-stateful: cluster\.kubeconfig \(unset\)/),
    ]);
  });
});
