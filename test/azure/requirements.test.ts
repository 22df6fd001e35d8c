import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { formatAzureRequirements, listAzureRequirements } from '../../lib';
import { declareAzureRequirement, providedConfigKey } from '../../lib/azure/requirements';

function tree() {
  const app = Testing.app();
  const chart = new Chart(app, 'stack');
  return { app, a: new Construct(chart, 'a'), b: new Construct(chart, 'b') };
}

describe('Azure requirements', () => {
  it('lists declarations once per resource, merged, with the accounts they imply', () => {
    const { app, a, b } = tree();
    declareAzureRequirement(a, {
      kind: 'blobContainer',
      account: 'acct1',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'pg/', deleteAfterDays: 30 }],
    });
    declareAzureRequirement(b, {
      kind: 'blobContainer',
      account: 'acct1',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'other/', deleteAfterDays: 7 }],
    });
    declareAzureRequirement(b, { kind: 'storageAccount', account: 'acct1', sku: 'Standard_ZRS' });
    declareAzureRequirement(a, {
      kind: 'kubernetesSecret',
      namespace: 'db',
      name: 'creds',
      keys: { key: { from: 'storageAccountKey', account: 'acct1' } },
    });
    declareAzureRequirement(b, {
      kind: 'kubernetesSecret',
      namespace: 'db',
      name: 'creds',
      keys: { name: { from: 'storageAccountName', account: 'acct1' } },
    });
    const list = listAzureRequirements(app);
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:acct1',
      'blobContainer:acct1/dumps',
      'kubernetesSecret:db/creds',
    ]);
    expect(list[0]).toMatchObject({ sku: 'Standard_ZRS', declaredBy: ['stack/a', 'stack/b'] });
    expect(list[1]).toMatchObject({
      lifecycleRules: [
        { prefix: 'pg/', deleteAfterDays: 30 },
        { prefix: 'other/', deleteAfterDays: 7 },
      ],
    });
    expect(list[2]).toMatchObject({
      keys: { key: { from: 'storageAccountKey' }, name: { from: 'storageAccountName' } },
    });
  });

  it('merges workload identity roles and keeps shares and identities apart', () => {
    const { app, a, b } = tree();
    const role = {
      role: 'Storage Blob Data Contributor',
      scope: { type: 'blobContainer' as const, account: 'acct2', container: 'velero' },
    };
    declareAzureRequirement(a, {
      kind: 'workloadIdentity',
      identity: 'velero-id',
      namespace: 'velero',
      serviceAccount: 'velero',
      roles: [role],
    });
    declareAzureRequirement(b, {
      kind: 'workloadIdentity',
      identity: 'velero-id',
      namespace: 'velero',
      serviceAccount: 'velero',
      roles: [role, { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: 'rg-snap' } }],
    });
    declareAzureRequirement(a, { kind: 'fileShare', account: 'acct3', share: 'reports', quotaGiB: 100 });
    const list = listAzureRequirements(app);
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:acct2',
      'storageAccount:acct3',
      'fileShare:acct3/reports',
      'workloadIdentity:velero/velero',
    ]);
    expect((list[3] as any).roles).toHaveLength(2);
  });

  it('merges the roles a service principal needs and rejects a client id that is not a GUID', () => {
    const { app, a, b } = tree();
    const id = '00000000-0000-0000-0000-0000000000aa';
    declareAzureRequirement(a, {
      kind: 'servicePrincipalRoles',
      clientId: id,
      roles: [{ role: 'Reader', scope: { type: 'resourceGroup', resourceGroup: 'rg-a' } }],
    });
    declareAzureRequirement(b, {
      kind: 'servicePrincipalRoles',
      clientId: id,
      roles: [
        { role: 'Storage Blob Data Reader', scope: { type: 'blobContainer', account: 'acct9', container: 'velero' } },
      ],
    });
    const list = listAzureRequirements(app);
    expect(list.map((r) => r.key)).toEqual(['storageAccount:acct9', `servicePrincipalRoles:${id}`]);
    expect((list[1] as any).roles).toHaveLength(2);
    expect(formatAzureRequirements(list)).toMatch(
      /service principal roles\s+0{8}-.*Reader on rg rg-a; Storage Blob Data Reader on acct9\/velero/,
    );
    expect(() =>
      declareAzureRequirement(a, { kind: 'servicePrincipalRoles', clientId: 'velero-sp', roles: [] }),
    ).toThrow(/^stack\/a: service principal client id "velero-sp" is not allowed: a GUID/);
  });

  it('rejects contradictory declarations, naming both constructs', () => {
    const { app, a, b } = tree();
    declareAzureRequirement(a, { kind: 'fileShare', account: 'acct3', share: 'reports', quotaGiB: 100 });
    declareAzureRequirement(b, { kind: 'fileShare', account: 'acct3', share: 'reports', quotaGiB: 200 });
    expect(() => listAzureRequirements(app)).toThrow(
      /^stack\/b: quotaGiB of fileShare:acct3\/reports 200 is not allowed: the same value as declared by stack\/a \(100\)/,
    );
  });

  it.each([
    [
      'a secret key filled from two places',
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { k: { from: 'storageAccountKey', account: 'one1' } },
      },
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { k: { from: 'storageAccountKey', account: 'two2' } },
      },
      /key "k" of kubernetesSecret:n\/s/,
    ],
    [
      'two retentions for one prefix',
      {
        kind: 'blobContainer',
        account: 'acct',
        container: 'c12',
        lifecycleRules: [{ prefix: 'x/', deleteAfterDays: 1 }],
      },
      {
        kind: 'blobContainer',
        account: 'acct',
        container: 'c12',
        lifecycleRules: [{ prefix: 'x/', deleteAfterDays: 2 }],
      },
      /retention of prefix "x\/"/,
    ],
    [
      'two SKUs for one account',
      { kind: 'storageAccount', account: 'acct', sku: 'Standard_LRS' },
      { kind: 'storageAccount', account: 'acct', sku: 'Premium_LRS' },
      /sku of storageAccount:acct/,
    ],
    [
      'one service account federated with two identities',
      { kind: 'workloadIdentity', identity: 'id-one', namespace: 'n', serviceAccount: 'sa', roles: [] },
      { kind: 'workloadIdentity', identity: 'id-two', namespace: 'n', serviceAccount: 'sa', roles: [] },
      /identity of workloadIdentity:n\/sa "id-two"/,
    ],
  ] as const)('conflict: %s', (_, first, second, message) => {
    const { app, a, b } = tree();
    declareAzureRequirement(a, first as any);
    declareAzureRequirement(b, second as any);
    expect(() => listAzureRequirements(app)).toThrow(message);
  });

  it.each([
    [
      { kind: 'storageAccount', account: 'Bad-Name' },
      /^stack\/a: storage account "Bad-Name" is not allowed: a storage account name: 3 to 24 lowercase/,
    ],
    [{ kind: 'blobContainer', account: 'acct', container: 'a--b' }, /blob container "a--b" is not allowed/],
    [
      {
        kind: 'blobContainer',
        account: 'acct',
        container: 'dumps',
        lifecycleRules: [{ prefix: 'x', deleteAfterDays: 0 }],
      },
      /retention \(days\) 0 is not allowed: a whole number of days from 1 to 36500/,
    ],
    [
      {
        kind: 'blobContainer',
        account: 'acct',
        container: 'dumps',
        lifecycleRules: [{ prefix: '/x', deleteAfterDays: 1 }],
      },
      /blob prefix "\/x" is not allowed/,
    ],
    // The one blob-prefix rule (lib/azure/blob-prefix.ts), which allows a lifecycle prefix's trailing '/'.
    ...['-x/', 'pg/-rf/', 'a//b/', '.hidden/', '/'].map((prefix): [any, RegExp] => [
      { kind: 'blobContainer', account: 'acct', container: 'dumps', lifecycleRules: [{ prefix, deleteAfterDays: 1 }] },
      new RegExp(`blob prefix "${prefix}" is not allowed: .*none starting with '.' or '-'.*a trailing '/' is allowed`),
    ]),
    ...['.', '..'].map((key): [any, RegExp] => [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: { [key]: { from: 'provided', description: 'x' } } },
      new RegExp(`secret key "${key.replace(/\./g, '\\.')}" is not allowed: .*and not '[.]' or '[.][.]'`),
    ]),
    [{ kind: 'fileShare', account: 'acct', share: 'share', quotaGiB: 0 }, /share quota \(GiB\) 0 is not allowed/],
    [
      { kind: 'kubernetesSecret', namespace: 'N', name: 's', keys: { a: { from: 'provided', description: 'x' } } },
      /secret namespace "N" is not allowed/,
    ],
    [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: {} },
      /secret keys \{\} is not allowed: at least one key/,
    ],
    [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: { 'a b': { from: 'provided', description: 'x' } } },
      /secret key "a b" is not allowed/,
    ],
    [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: { p: { from: 'generatedPassword', length: 8 } } },
      /password length 8 is not allowed: a whole number from 16 to 128/,
    ],
    [
      { kind: 'workloadIdentity', identity: 'x', namespace: 'n', serviceAccount: 'sa', roles: [] },
      /managed identity name "x" is not allowed/,
    ],
    [{ kind: 'storageAccount', account: 'acct', resourceGroup: 'rg/x' }, /resourceGroup "rg\/x" is not allowed/],
    [
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { p: { from: 'provided', description: 'x', configKey: 'aks-stateful:p' } },
      },
      /secret key p: configKey "aks-stateful:p" is not allowed: a Pulumi config key/,
    ],
    [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: { f: { from: 'dotenv', variables: {} } } },
      /secret key f: variables \{\} is not allowed: at least one variable/,
    ],
    [
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { f: { from: 'dotenv', variables: { '1X': { from: 'tenantId' } } } },
      },
      /secret key f: variable "1X" is not allowed: an environment variable name/,
    ],
    [
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { f: { from: 'dotenv', variables: { A: { from: 'literal', value: 'x\nB=y' } } } },
      },
      /secret key f: A: value "x\\nB=y" is not allowed: a single-line string/,
    ],
    [
      {
        kind: 'kubernetesSecret',
        namespace: 'n',
        name: 's',
        keys: { f: { from: 'dotenv', variables: { A: { from: 'storageAccountKey', account: 'Bad' } } } },
      },
      /secret key f: A: storage account "Bad" is not allowed/,
    ],
    [
      { kind: 'kubernetesSecret', namespace: 'n', name: 's', keys: { f: { from: 'vault' } } },
      /secret key f: from "vault" is not allowed: one of storageAccountName/,
    ],
  ] as const)('rejects bad declarations: %j', (req, message) => {
    const { a } = tree();
    expect(() => declareAzureRequirement(a, req as any)).toThrow(message);
  });

  it('formats a table without secret values', () => {
    const { app, a } = tree();
    declareAzureRequirement(a, {
      kind: 'kubernetesSecret',
      namespace: 'db',
      name: 'creds',
      keys: { password: { from: 'generatedPassword', length: 32 } },
    });
    declareAzureRequirement(a, {
      kind: 'blobContainer',
      account: 'acct1',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'pg/', deleteAfterDays: 30 }],
    });
    const table = formatAzureRequirements(listAzureRequirements(app));
    expect(table.split('\n')[0]).toMatch(/^KIND\s+RESOURCE\s+DETAILS\s+DECLARED BY$/);
    expect(table).toMatch(/blob container\s+acct1\/dumps\s+delete pg\/ after 30d\s+stack\/a/);
    expect(table).toMatch(/k8s secret\s+db\/creds\s+password = generated password \(32 chars\)/);
    expect(formatAzureRequirements([])).toBe('No Azure resources are required.');
  });

  it('lists the accounts a dotenv value needs, describes every part, and names the config key of provided values', () => {
    const { app, a } = tree();
    declareAzureRequirement(a, {
      kind: 'kubernetesSecret',
      namespace: 'velero',
      name: 'cloud',
      keys: {
        cloud: {
          from: 'dotenv',
          variables: {
            KEY: { from: 'storageAccountKey', account: 'acct7' },
            SUB: { from: 'subscriptionId' },
            TENANT: { from: 'tenantId' },
            RG: { from: 'clusterNodeResourceGroup' },
            CLOUD: { from: 'literal', value: 'AzurePublicCloud' },
            SECRET: { from: 'provided', description: 'the client secret' },
          },
        },
      },
    });
    const list = listAzureRequirements(app);
    expect(list.map((r) => r.key)).toEqual(['storageAccount:acct7', 'kubernetesSecret:velero/cloud']);
    expect(formatAzureRequirements(list)).toContain(
      'cloud = dotenv file: KEY=<key of acct7>; SUB=<subscription id>; TENANT=<tenant id>; ' +
        "RG=<the cluster's node resource group>; CLOUD=AzurePublicCloud; SECRET=<the client secret>",
    );
    expect(providedConfigKey({ namespace: 'velero', name: 'cloud.creds' }, 'cloud', {})).toBe(
      'velero-cloud-creds-cloud',
    );
    expect(
      providedConfigKey({ namespace: 'velero', name: 'cloud' }, 'cloud', { configKey: 'velero-client-secret' }),
    ).toBe('velero-client-secret');
  });

  it('lists the requirements of several roots as one merged list', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one');
    const two = new Chart(app, 'two');
    const three = new Chart(app, 'three');
    declareAzureRequirement(one, {
      kind: 'blobContainer',
      account: 'acct1',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'a/', deleteAfterDays: 3 }],
    });
    declareAzureRequirement(two, {
      kind: 'blobContainer',
      account: 'acct1',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'b/', deleteAfterDays: 4 }],
    });
    declareAzureRequirement(three, { kind: 'fileShare', account: 'acct2', share: 'other', quotaGiB: 5 });
    const list = listAzureRequirements([one, two]);
    expect(list.map((r) => r.key)).toEqual(['storageAccount:acct1', 'blobContainer:acct1/dumps']);
    expect((list[1] as any).lifecycleRules).toEqual([
      { prefix: 'a/', deleteAfterDays: 3 },
      { prefix: 'b/', deleteAfterDays: 4 },
    ]);
    expect(list[1].declaredBy).toEqual(['one', 'two']);
  });

  it('marks an account and container existing only when no declaration asks to create them', () => {
    const { app, a, b } = tree();
    declareAzureRequirement(a, { kind: 'storageAccount', account: 'shared01', existing: true });
    declareAzureRequirement(a, { kind: 'blobContainer', account: 'shared01', container: 'velero', existing: true });
    declareAzureRequirement(a, { kind: 'blobContainer', account: 'other01', container: 'read', existing: true });
    declareAzureRequirement(a, {
      kind: 'kubernetesSecret',
      namespace: 'n',
      name: 's',
      keys: { k: { from: 'storageAccountKey', account: 'other01' } },
    });
    const only = listAzureRequirements(app);
    expect(only.filter((r) => (r as any).existing).map((r) => r.key)).toEqual([
      'storageAccount:other01',
      'storageAccount:shared01',
      'blobContainer:other01/read',
      'blobContainer:shared01/velero',
    ]);
    // The primary cluster's declarations in the same app: then they are created.
    declareAzureRequirement(b, { kind: 'storageAccount', account: 'shared01', sku: 'Standard_GRS' });
    declareAzureRequirement(b, { kind: 'blobContainer', account: 'shared01', container: 'velero' });
    const both = listAzureRequirements(app);
    expect(both.filter((r) => (r as any).existing).map((r) => r.key)).toEqual([
      'storageAccount:other01',
      'blobContainer:other01/read',
    ]);
    expect(both.find((r) => r.key === 'storageAccount:shared01')).toEqual({
      kind: 'storageAccount',
      account: 'shared01',
      sku: 'Standard_GRS',
      key: 'storageAccount:shared01',
      declaredBy: ['stack/a', 'stack/b'],
    });
  });

  it('finds nothing in an app without declarations', () => {
    expect(listAzureRequirements(new App())).toEqual([]);
  });
});
