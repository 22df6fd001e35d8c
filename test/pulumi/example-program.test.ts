import { beforeAll, describe, expect, it } from 'vitest';
import { VELERO_RELEASES, listAzureRequirements } from '../../lib';
import { BUILT_IN_ROLE_DEFINITION_IDS } from '../../lib/pulumi';
import { PROGRAM_CONFIG, PROGRAM_SECRET_KEYS, programCharts } from './support/example-config';
import {
  MOCK_SUBSCRIPTION,
  RecordedResource,
  SECRET_MARKERS,
  installMocks,
  isSecret,
  ofType,
  one,
  settle,
  unwrap,
} from './support/mocks';

// The repository's own Pulumi program (index.ts), run under mocks with README's config.
let recorded: RecordedResource[];
let program: Record<string, any>;
const { charts } = programCharts();
const requirements = listAzureRequirements(charts);
/** The CRD Job of the default (newest) Velero release: its name carries the version. */
const CRD_JOB = `velero-install-crds-v${VELERO_RELEASES[0].velero.replace(/\./g, '-')}`;

beforeAll(async () => {
  recorded = await installMocks(PROGRAM_CONFIG, PROGRAM_SECRET_KEYS);
  program = await import('../../index.js');
  await settle(recorded);
}, 60_000);

const byUrn = () => new Map(recorded.map((r) => [r.urn, r]));
const k8sName = (r: RecordedResource) =>
  `${r.inputs.metadata?.namespace ? `${r.inputs.metadata.namespace}/` : ''}${r.inputs.metadata?.name}`;
const kube = (kind: string, name: string) => {
  const found = recorded.filter(
    (r) => r.type.startsWith('kubernetes:') && r.type.endsWith(`:${kind}`) && k8sName(r) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} ${kind} ${name}`);
  return found[0];
};
const waitsFor = (r: RecordedResource) =>
  r.dependencies.map((urn) => byUrn().get(urn)).filter((d): d is RecordedResource => d !== undefined);

describe('the repository program (index.ts) under Pulumi mocks', () => {
  it('creates exactly one Azure resource per requirement, and no other', () => {
    const expected: Record<string, number> = {
      'azure-native:storage:StorageAccount': 0,
      'azure-native:storage:BlobContainer': 0,
      'azure-native:storage:FileShare': 0,
      'azure-native:managedidentity:UserAssignedIdentity': 0,
      'azure-native:managedidentity:FederatedIdentityCredential': 0,
      'azure-native:authorization:RoleAssignment': 0,
      'kubernetes:core/v1:Secret': 0,
    };
    const identities = new Set<string>();
    for (const req of requirements) {
      switch (req.kind) {
        case 'storageAccount':
          expected['azure-native:storage:StorageAccount']++;
          expect(one(recorded, 'azure-native:storage:StorageAccount', `-${req.account}`).inputs.accountName).toBe(
            req.account,
          );
          break;
        case 'blobContainer':
          expected['azure-native:storage:BlobContainer']++;
          expect(
            one(recorded, 'azure-native:storage:BlobContainer', `-${req.account}-${req.container}`).inputs,
          ).toMatchObject({ accountName: req.account, containerName: req.container, publicAccess: 'None' });
          break;
        case 'fileShare':
          expected['azure-native:storage:FileShare']++;
          expect(one(recorded, 'azure-native:storage:FileShare', `-${req.account}-${req.share}`).inputs).toMatchObject({
            shareName: req.share,
            shareQuota: req.quotaGiB,
            enabledProtocols: req.protocol ?? 'SMB',
          });
          break;
        case 'workloadIdentity': {
          identities.add(req.identity);
          expected['azure-native:managedidentity:FederatedIdentityCredential']++;
          const credential = recorded.find(
            (r) =>
              r.type === 'azure-native:managedidentity:FederatedIdentityCredential' &&
              r.inputs.subject === `system:serviceaccount:${req.namespace}:${req.serviceAccount}`,
          );
          expect(credential?.inputs).toMatchObject({
            issuer: PROGRAM_CONFIG['aks-stateful:oidcIssuerUrl'],
            audiences: ['api://AzureADTokenExchange'],
            resourceName: req.identity,
          });
          expected['azure-native:authorization:RoleAssignment'] += req.roles.length;
          break;
        }
        case 'kubernetesSecret':
          expected['kubernetes:core/v1:Secret']++;
          expect(Object.keys(unwrap(kube('Secret', `${req.namespace}/${req.name}`).inputs.stringData)).sort()).toEqual(
            Object.keys(req.keys).sort(),
          );
          break;
        case 'servicePrincipalRoles':
          throw new Error('the default examples declare no service principal');
      }
    }
    expected['azure-native:managedidentity:UserAssignedIdentity'] = identities.size;
    const actual = Object.fromEntries(Object.keys(expected).map((type) => [type, ofType(recorded, type).length]));
    expect(actual).toEqual(expected);
    expect(expected['azure-native:storage:StorageAccount']).toBe(2);
  });

  it('creates storage accounts HTTPS-only, TLS 1.2, without public blob access, soft delete on, kept on destroy', () => {
    for (const account of ofType(recorded, 'azure-native:storage:StorageAccount')) {
      expect(account.inputs).toMatchObject({
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        kind: 'StorageV2',
        location: 'westeurope',
      });
      expect(account.retainOnDelete).toBe(true);
    }
    // Shared keys only where a Secret holds the key: the examples' account (backup and static share), not Velero's (workload identity).
    expect(one(recorded, 'azure-native:storage:StorageAccount', '-demoexamples42').inputs).toMatchObject({
      allowSharedKeyAccess: true,
      sku: { name: 'Standard_ZRS' },
      resourceGroupName: 'rg-aks-demo',
    });
    expect(one(recorded, 'azure-native:storage:StorageAccount', '-demovelero42').inputs).toMatchObject({
      allowSharedKeyAccess: false,
      sku: { name: 'Standard_GRS' },
    });
    for (const service of ofType(recorded, 'azure-native:storage:BlobServiceProperties')) {
      expect(service.inputs).toMatchObject({
        deleteRetentionPolicy: { enabled: true, days: 14 },
        containerDeleteRetentionPolicy: { enabled: true, days: 14 },
      });
    }
    expect(ofType(recorded, 'azure-native:storage:BlobServiceProperties')).toHaveLength(2);
    expect(
      one(recorded, 'azure-native:storage:FileServiceProperties', '-demoexamples42-file-service').inputs
        .shareDeleteRetentionPolicy,
    ).toEqual({ enabled: true, days: 14 });
    for (const kept of [
      ...ofType(recorded, 'azure-native:storage:BlobContainer'),
      ...ofType(recorded, 'azure-native:storage:FileShare'),
    ])
      expect(kept.retainOnDelete).toBe(true);
  });

  it('holds every retention rule of an account in its one ManagementPolicy', () => {
    const declared = requirements.flatMap((r) =>
      r.kind === 'blobContainer'
        ? (r.lifecycleRules ?? []).map((rule) => ({
            account: r.account,
            match: `${r.container}/${rule.prefix}`,
            days: rule.deleteAfterDays,
          }))
        : [],
    );
    expect(declared).toEqual([{ account: 'demoexamples42', match: 'postgres-dumps/postgres/shop/', days: 30 }]);
    const policies = ofType(recorded, 'azure-native:storage:ManagementPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0].inputs.accountName).toBe('demoexamples42');
    expect(
      policies[0].inputs.policy.rules.map((rule: any) => ({
        match: rule.definition.filters.prefixMatch,
        days: rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan,
        type: rule.type,
        enabled: rule.enabled,
      })),
    ).toEqual([{ match: ['postgres-dumps/postgres/shop/'], days: 30, type: 'Lifecycle', enabled: true }]);
  });

  it('grants each declared role with its built-in definition, a stable GUID name and principalType ServicePrincipal', () => {
    const assignments = ofType(recorded, 'azure-native:authorization:RoleAssignment');
    for (const assignment of assignments) {
      expect(assignment.inputs.principalType).toBe('ServicePrincipal');
      expect(assignment.inputs.roleAssignmentName).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(
        Object.values(BUILT_IN_ROLE_DEFINITION_IDS).map(
          (g) => `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${g}`,
        ),
      ).toContain(assignment.inputs.roleDefinitionId);
    }
    // Which role on which scope. The GUIDs are Azure's (learn.microsoft.com, "Azure built-in roles"),
    // not read from the layer's table, so that a wrong GUID there fails here.
    const azureRole: Record<string, string> = {
      'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
      'db58b8e5-c6ad-4a2a-8342-4190687cbf4a': 'Storage Blob Delegator',
    };
    const rg = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups`;
    const grants = assignments
      .filter((a) => a.inputs.principalId === 'principal-id-of-id-velero-aks-prod')
      .map((a) => `${azureRole[a.inputs.roleDefinitionId.split('/').pop()]} on ${a.inputs.scope.replace(rg, '')}`)
      .sort();
    expect(grants).toEqual([
      // Disk snapshots in the node resource group and the cluster's group.
      'Contributor on /MC_rg-aks-demo_aks-demo_westeurope',
      'Contributor on /rg-aks-demo',
      // Backups in the container only; a user delegation key for the download URLs.
      'Storage Blob Data Contributor on /rg-aks-demo/providers/Microsoft.Storage/storageAccounts/demovelero42/blobServices/default/containers/velero',
      'Storage Blob Delegator on /rg-aks-demo/providers/Microsoft.Storage/storageAccounts/demovelero42',
    ]);
    expect(new Set(assignments.map((a) => a.inputs.roleAssignmentName)).size).toBe(assignments.length);
  });

  it('fills every declared Secret from Outputs, marked secret', () => {
    const secrets = ofType(recorded, 'kubernetes:core/v1:Secret');
    for (const secret of secrets) {
      expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(['data', 'stringData']));
      expect(isSecret(secret.inputs.stringData) || Object.values(secret.inputs.stringData).every(isSecret)).toBe(true);
    }
    expect(unwrap(kube('Secret', 'postgres-backup/azure-storage-demoexamples42').inputs.stringData)).toEqual({
      azurestorageaccountname: 'demoexamples42',
      azurestorageaccountkey: SECRET_MARKERS.accountKey('demoexamples42'),
    });
    expect(unwrap(kube('Secret', 'todo/todo-db-credentials').inputs.stringData)).toEqual({
      password: SECRET_MARKERS.password,
    });
    expect(ofType(recorded, 'random:index/randomPassword:RandomPassword').map((r) => r.inputs.length)).toEqual([
      32, 32,
    ]);
    // Velero's credentials file is composed entirely by the layer: nothing for the user to type.
    expect(unwrap(kube('Secret', 'velero/cloud-credentials').inputs.stringData).cloud).toBe(
      `AZURE_SUBSCRIPTION_ID=${MOCK_SUBSCRIPTION}\nAZURE_RESOURCE_GROUP=MC_rg-aks-demo_aks-demo_westeurope\nAZURE_CLOUD_NAME=AzurePublicCloud\n`,
    );
  });

  it('never puts a key, password or kubeconfig into any other resource, the manifests or the component inputs', () => {
    const markers = [
      SECRET_MARKERS.accountKey('demoexamples42'),
      SECRET_MARKERS.accountKey('demovelero42'),
      SECRET_MARKERS.password,
      'mock-kubeconfig-token-5ecret',
    ];
    const leaks = recorded
      .filter((r) => r.type !== 'kubernetes:core/v1:Secret' && r.type !== 'pulumi:providers:kubernetes')
      .filter((r) => markers.some((m) => JSON.stringify(unwrap(r.inputs)).includes(m)))
      .map((r) => `${r.type} ${r.name}`);
    expect(leaks).toEqual([]);
    // The check can fail: the Secrets and the provider do hold them.
    expect(JSON.stringify(unwrap(kube('Secret', 'todo/todo-db-credentials').inputs))).toContain(
      SECRET_MARKERS.password,
    );
    const provider = ofType(recorded, 'pulumi:providers:kubernetes')[0];
    expect(isSecret(provider.inputs.kubeconfig)).toBe(true);
    expect(
      ofType(recorded, 'kubernetes:core/v1:Secret').every((s) =>
        s.parent.includes('aks-stateful:kubernetes:DeclaredSecret'),
      ),
    ).toBe(true);
  });

  it("writes the identity's client id into the ServiceAccount, not the synthesized placeholder", async () => {
    const sa = kube('ServiceAccount', 'velero/velero');
    expect(sa.inputs.metadata.annotations['azure.workload.identity/client-id']).toBe('client-id-of-id-velero-aks-prod');
    expect(waitsFor(sa).map((d) => d.type)).toContain('azure-native:managedidentity:UserAssignedIdentity');
    // The program exports the same client id (stack output identityClientIds).
    const exported = await new Promise((resolve) => program.identityClientIds['id-velero-aks-prod'].apply(resolve));
    expect(exported).toBe('client-id-of-id-velero-aks-prod');
  });

  it('orders objects for an empty cluster: Namespace, then Secrets and what pods read, identities before their pods, CRD Job before Velero resources', () => {
    const names = (r: RecordedResource) =>
      waitsFor(r).map((d) =>
        d.type.startsWith('kubernetes:') ? `${d.type.split(':').pop()} ${k8sName(d)}` : d.type.split(':').pop()!,
      );
    const backup = kube('CronJob', 'postgres-backup/shop-db-backup');
    expect(names(backup)).toEqual(
      expect.arrayContaining([
        'Namespace postgres-backup',
        'Secret postgres-backup/shop-db-credentials',
        'Secret postgres-backup/azure-storage-demoexamples42',
      ]),
    );
    expect(names(kube('Secret', 'postgres-backup/shop-db-credentials'))).toContain('Namespace postgres-backup');
    const server = kube('Deployment', 'velero/velero');
    expect(names(server)).toEqual(
      expect.arrayContaining([
        'Namespace velero',
        'ServiceAccount velero/velero',
        'Secret velero/cloud-credentials',
        `Job velero/${CRD_JOB}`,
        'FederatedIdentityCredential',
      ]),
    );
    expect(names(server).filter((n) => n === 'RoleAssignment')).toHaveLength(4);
    for (const kind of ['BackupStorageLocation', 'VolumeSnapshotLocation', 'Schedule']) {
      const cr = recorded.find((r) => r.type === `kubernetes:velero.io/v1:${kind}`)!;
      expect(names(cr)).toContain(`Job velero/${CRD_JOB}`);
    }
    const db = kube('StatefulSet', 'todo/todo-db');
    expect(names(db)).toEqual(
      expect.arrayContaining(['Namespace todo', 'Secret todo/todo-db-credentials', 'ConfigMap todo/todo-db-init']),
    );
    const restored = kube('PersistentVolumeClaim', 'storage-snapshots/restored-disk');
    expect(names(restored)).toEqual(expect.arrayContaining(['VolumeSnapshot storage-snapshots/source-disk-snapshot']));
    // Never on a ConfigGroup: a component does not carry its children's readiness.
    expect(
      recorded.filter((r) => waitsFor(r).some((d) => d.type === 'kubernetes:yaml:ConfigGroup')).map((r) => r.name),
    ).toEqual([]);
  });

  it('does not wait for the suspended restore Job, and keeps Namespaces, claims and volumes on destroy', () => {
    expect(kube('Job', 'postgres-backup/shop-db-restore').inputs.metadata.annotations['pulumi.com/skipAwait']).toBe(
      'true',
    );
    expect(kube('Job', `velero/${CRD_JOB}`).inputs.metadata.annotations?.['pulumi.com/skipAwait']).toBeUndefined();
    const dataBearing = recorded.filter((r) => /:(Namespace|PersistentVolumeClaim|PersistentVolume)$/.test(r.type));
    expect(dataBearing.length).toBeGreaterThan(10);
    expect(dataBearing.filter((r) => !r.retainOnDelete).map((r) => r.name)).toEqual([]);
    expect(kube('Deployment', 'velero/velero').retainOnDelete).toBe(false);
  });

  it('applies every synthesized object exactly once, with names from kind, namespace and name, through the stack provider, each under a parent', () => {
    const objects = charts.flatMap((c) => c.toJson());
    const applied = recorded.filter(
      (r) =>
        r.type.startsWith('kubernetes:') &&
        !/ConfigGroup|providers/.test(r.type) &&
        r.type !== 'kubernetes:core/v1:Secret',
    );
    expect(applied.map((r) => `${r.inputs.kind} ${k8sName(r)}`).sort()).toEqual(
      objects
        .map((o: any) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
        .sort(),
    );
    for (const r of applied) {
      expect(r.name).toBe(`aks-stateful-${k8sName(r)}`);
      expect(r.provider).toContain('pulumi:providers:kubernetes::aks-stateful-cluster');
    }
    expect(
      recorded.filter((r) => r.type !== 'aks-stateful:index:StatefulStack' && r.parent === '').map((r) => r.type),
    ).toEqual([]);
  });

  it('exports endpoints, client ids and database hosts, never a key', async () => {
    const resolve = (o: any) => new Promise((r) => (o.apply ? o.apply(r) : r(o)));
    expect(await resolve(program.blobEndpoints.demovelero42)).toBe('https://demovelero42.blob.core.windows.net/');
    expect(await resolve(program.identityClientIds['id-velero-aks-prod'])).toBe('client-id-of-id-velero-aks-prod');
    expect(program.databaseHosts).toEqual({
      'postgres-backup/db': 'shop-db.postgres-backup.svc.cluster.local',
      'workloads-postgres/todo-db': 'todo-db.todo.svc.cluster.local',
    });
  });
});
