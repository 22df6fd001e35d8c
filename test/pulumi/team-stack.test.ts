import { beforeAll, describe, expect, it } from 'vitest';
import { RecordedResource, SECRET_MARKERS, installMocks, ofType, one, settle, unwrap } from './support/mocks';

// examples/team-stack: a team's own stack, importing 'aks-stateful' and 'aks-stateful/pulumi' by name.
let recorded: RecordedResource[];

beforeAll(async () => {
  recorded = await installMocks({ 'azure-native:location': 'northeurope' });
  const { paymentsStack } = await import('../../examples/team-stack/payments.js');
  paymentsStack({
    kubeconfig: 'kubeconfig',
    oidcIssuerUrl: 'https://northeurope.oic.prod-aks.azure.com/t/i/',
    storageAccount: 'paymentsdumps01',
  });
  await settle(recorded);
}, 60_000);

describe('a team stack: one App and one StatefulStack', () => {
  it('creates the dump account without shared keys, the container and its retention rule', () => {
    expect(ofType(recorded, 'azure-native:storage:StorageAccount').map((a) => a.inputs)).toEqual([
      expect.objectContaining({
        accountName: 'paymentsdumps01',
        resourceGroupName: 'rg-payments',
        location: 'northeurope',
        kind: 'StorageV2',
        sku: { name: 'Standard_ZRS' },
        allowSharedKeyAccess: false,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
      }),
    ]);
    expect(one(recorded, 'azure-native:storage:BlobContainer', '-ledger-dumps').inputs.containerName).toBe(
      'ledger-dumps',
    );
    const [policy] = ofType(recorded, 'azure-native:storage:ManagementPolicy');
    expect(
      policy.inputs.policy.rules.map((r: any) => [
        r.definition.filters.prefixMatch,
        r.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan,
      ]),
    ).toEqual([[['ledger-dumps/postgres/ledger/'], 35]]);
  });

  it('federates one identity with the backup and the restore service accounts, with the role each needs', () => {
    expect(
      ofType(recorded, 'azure-native:managedidentity:UserAssignedIdentity').map((i) => i.inputs.resourceName),
    ).toEqual(['id-payments-backup']);
    expect(
      ofType(recorded, 'azure-native:managedidentity:FederatedIdentityCredential')
        .map((c) => c.inputs.subject)
        .sort(),
    ).toEqual(['system:serviceaccount:payments:ledger-db-backup', 'system:serviceaccount:payments:ledger-db-restore']);
    const roles = ofType(recorded, 'azure-native:authorization:RoleAssignment')
      .map((r) => r.inputs.roleDefinitionId.split('/').pop())
      .sort();
    expect(roles).toEqual(['2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'].sort());
    for (const name of ['payments/ledger-db-backup', 'payments/ledger-db-restore']) {
      const sa = recorded.find((r) => r.type === 'kubernetes:core/v1:ServiceAccount' && r.name === `payments-${name}`)!;
      expect(sa.inputs.metadata.annotations['azure.workload.identity/client-id']).toBe(
        'client-id-of-id-payments-backup',
      );
    }
  });

  it('generates the database password into its Secret, and applies the namespace, database, backup and cache', () => {
    const secret = one(recorded, 'kubernetes:core/v1:Secret', 'payments/ledger-db-credentials');
    expect(unwrap(secret.inputs.stringData)).toEqual({ password: SECRET_MARKERS.password });
    for (const [type, name] of [
      ['kubernetes:core/v1:Namespace', 'payments-payments'],
      ['kubernetes:apps/v1:StatefulSet', 'payments-payments/ledger-db'],
      ['kubernetes:batch/v1:CronJob', 'payments-payments/ledger-db-backup'],
      ['kubernetes:apps/v1:StatefulSet', 'payments-payments/cache'],
    ]) {
      expect(recorded.filter((r) => r.type === type && r.name === name)).toHaveLength(1);
    }
    const restore = one(recorded, 'kubernetes:batch/v1:Job', 'payments/ledger-db-restore');
    expect(restore.inputs.metadata.annotations['pulumi.com/skipAwait']).toBe('true');
  });

  it('keeps the password out of every other resource, and starts the backup only once its identity can sign in', () => {
    const leaks = recorded.filter(
      (r) =>
        r.type !== 'kubernetes:core/v1:Secret' && JSON.stringify(unwrap(r.inputs)).includes(SECRET_MARKERS.password),
    );
    expect(leaks.map((r) => r.name)).toEqual([]);
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const cron = one(recorded, 'kubernetes:batch/v1:CronJob', 'payments/ledger-db-backup');
    const waits = cron.dependencies.map((u) => byUrn.get(u)!).map((d) => `${d.type.split(':').pop()} ${d.name}`);
    expect(waits).toEqual(
      expect.arrayContaining([
        'Namespace payments-payments',
        'ServiceAccount payments-payments/ledger-db-backup',
        'Secret payments-payments/ledger-db-credentials',
        'FederatedIdentityCredential payments-id-payments-backup/payments/ledger-db-backup',
      ]),
    );
    expect(waits.filter((w) => w.startsWith('RoleAssignment'))).toHaveLength(2);
  });
});
