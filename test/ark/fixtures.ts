import { Chart, Testing } from 'cdk8s';
import { expect } from 'vitest';
import {
  ArkInstallation,
  ArkInstallationProps,
  ArkServicePrincipalAuth,
  ArkStorageAccountKeyAuth,
  ArkWorkloadIdentityAuth,
  VELERO_RELEASES,
} from '../../lib';
export { rejected } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

export const SUBSCRIPTION = '22222222-2222-2222-2222-222222222222';
export const TENANT = '33333333-3333-3333-3333-333333333333';
export const CLIENT = '11111111-1111-1111-1111-111111111111';
export const NODE_RG = 'MC_rg-aks_aks-prod_westeurope';

export const WORKLOAD_IDENTITY: ArkWorkloadIdentityAuth = {
  mode: 'workloadIdentity',
  identityName: 'velero-prod',
  clientId: CLIENT,
  subscriptionId: SUBSCRIPTION,
  nodeResourceGroup: NODE_RG,
};
export const SERVICE_PRINCIPAL: ArkServicePrincipalAuth = {
  mode: 'servicePrincipal',
  subscriptionId: SUBSCRIPTION,
  tenantId: TENANT,
  clientId: CLIENT,
  nodeResourceGroup: NODE_RG,
};
export const ACCOUNT_KEY: ArkStorageAccountKeyAuth = { mode: 'storageAccountKey' };

export const STORAGE = { storageAccount: 'aksvelero01', container: 'velero', resourceGroup: 'rg-backups' } as const;

/** Minimal props: workload identity and the default location. */
export const BASE: ArkInstallationProps = { auth: WORKLOAD_IDENTITY, backupStorage: STORAGE };

/** An installation at path `test/velero` in a chart without namespace. */
export function install(props: Partial<ArkInstallationProps> = {}, chart: Chart = new Chart(Testing.app(), 'test')) {
  const installation = new ArkInstallation(chart, 'velero', { ...BASE, ...props });
  return { chart, installation };
}

/** Builds, synthesizes and validates; returns the objects and lookups by kind. */
export function synthInstall(
  props: Partial<ArkInstallationProps> = {},
  extend?: (i: ArkInstallation, chart: Chart) => void,
) {
  const { chart, installation } = install(props);
  extend?.(installation, chart);
  const objects = synthValid(chart);
  const all = (kind: string, name?: string) =>
    objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  const one = (kind: string, name?: string): any => {
    const found = all(kind, name);
    expect(found, `one ${kind}${name ? `/${name}` : ''}`).toHaveLength(1);
    return found[0];
  };
  return { chart, installation, objects, all, one };
}

/** A release of the version table as tests use it: its versions and the suffix of its CRD job's name. */
function releaseAt(index: number) {
  const release = VELERO_RELEASES[index];
  return { velero: release.velero, plugin: release.azurePlugins[0], job: release.velero.replace(/\./g, '-') };
}
/**
 * The release installed by default (the table's first) and another one (its last). Tests read them
 * from the table rather than copying version numbers, so that adding or dropping a release fails no
 * test unless what is rendered stops following the table.
 */
export const NEWEST = releaseAt(0);
export const OTHER = releaseAt(VELERO_RELEASES.length - 1);
export { KUBECTL_IMAGE_TAG } from '../../lib/ark/versions';
