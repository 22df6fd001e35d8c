import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { App, Chart } from 'cdk8s';
import { checkResourceGroupName } from '../azure/names';
import { invalid } from '../core/errors';
import { checkOneOf, isGuid } from '../core/values';
import { checkRecord, checkSingleLine } from '../core/types';
import { DataProtection } from './data-protection';
import { Problems } from './problems';
import { CONFIG_NAMESPACE } from './stack-config';

/** The arguments a stack plans with, each checked by what it is (config values arrive as strings). */
export interface CheckedStackArgs {
  readonly app: App;
  readonly charts: readonly Chart[];
  readonly resourceGroupName: string;
  readonly softDeleteDays: number;
  readonly dataProtection: DataProtection;
  readonly servicePrincipalObjectIds?: Readonly<Record<string, string>>;
  readonly customRoleDefinitionIds: Readonly<Record<string, string>>;
  readonly cluster: {
    readonly kubeconfig?: pulumi.Input<string>;
    readonly provider?: k8s.Provider;
    readonly oidcIssuerUrl?: pulumi.Input<string>;
    readonly nodeResourceGroup?: string;
  };
}

/** A record of GUIDs by key (object ids by client id, role definition ids by role name). */
function checkGuidRecord(where: string, field: string, value: unknown, what: string): Record<string, string> {
  const record = checkRecord(where, field, value);
  for (const [key, id] of Object.entries(record)) {
    if (!isGuid(id)) invalid(where, `${field}[${JSON.stringify(key)}]`, id, `${what} (a GUID)`);
  }
  return record as Record<string, string>;
}

// A Pulumi Output (or a promise of one) is taken as given: its value is only known at deploy time.
const isDeferred = (value: unknown) => pulumi.Output.isInstance(value) || value instanceof Promise;

/** Checks the stack's arguments other than the app's contents; every problem goes to `problems`. */
export function checkStackArgs(where: string, args: unknown, problems: Problems): CheckedStackArgs | undefined {
  if (args === null || typeof args !== 'object' || !((args as { app?: unknown }).app instanceof App)) {
    problems.add(
      where,
      'app',
      (args as { app?: unknown })?.app,
      'a cdk8s App (the same cdk8s copy as aks-stateful uses)',
    );
    return undefined;
  }
  const given = args as Record<string, any>;
  const app: App = given.app;
  const charts =
    problems.catch(() => {
      if (given.charts === undefined) return app.charts;
      if (!Array.isArray(given.charts)) invalid(where, 'charts', given.charts, 'an array of charts of the given app');
      given.charts.forEach((chart: unknown, i: number) => {
        if (!(chart instanceof Chart) || !app.charts.includes(chart)) {
          invalid(where, `charts[${i}]`, (chart as Chart)?.node?.path ?? chart, 'a chart of the given app');
        }
      });
      return given.charts as Chart[];
    }) ?? [];
  if (given.resourceGroupName === undefined || given.resourceGroupName === '') {
    problems.add(
      where,
      'resourceGroupName',
      given.resourceGroupName,
      `the name of an existing resource group (in this repository's program: pulumi config set ${CONFIG_NAMESPACE}:resourceGroupName <name>)`,
    );
  } else {
    problems.catch(() => checkResourceGroupName(where, 'resourceGroupName', given.resourceGroupName));
  }
  const softDeleteDays =
    problems.catch(() =>
      given.softDeleteDays === undefined ? 14 : checkSoftDeleteDays(where, given.softDeleteDays),
    ) ?? 14;
  const dataProtection =
    problems.catch(() =>
      given.dataProtection === undefined
        ? 'retainOnDelete'
        : checkOneOf<DataProtection>(where, 'dataProtection', given.dataProtection, [
            'retainOnDelete',
            'protect',
            'none',
          ]),
    ) ?? 'retainOnDelete';
  const servicePrincipalObjectIds =
    given.servicePrincipalObjectIds === undefined
      ? undefined
      : // Values are checked per service principal the app declares, with the command that fixes each.
        (problems.catch(() => checkRecord(where, 'servicePrincipalObjectIds', given.servicePrincipalObjectIds)) as
          Record<string, string> | undefined);
  const customRoleDefinitionIds =
    given.customRoleDefinitionIds === undefined
      ? {}
      : (problems.catch(() =>
          checkGuidRecord(where, 'customRoleDefinitionIds', given.customRoleDefinitionIds, 'a role definition id'),
        ) ?? {});
  const cluster = problems.catch(() => checkCluster(where, given.cluster)) ?? {};
  return {
    app,
    charts,
    resourceGroupName: given.resourceGroupName,
    softDeleteDays,
    dataProtection,
    servicePrincipalObjectIds,
    customRoleDefinitionIds,
    cluster,
  };
}

function checkSoftDeleteDays(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 365) {
    invalid(where, 'softDeleteDays', value, 'a whole number of days from 1 to 365 (Azure soft delete)');
  }
  return value;
}

function checkCluster(where: string, value: unknown): CheckedStackArgs['cluster'] {
  if (value === undefined) return {};
  const cluster = checkRecord(where, 'cluster', value);
  const { kubeconfig, provider, oidcIssuerUrl, nodeResourceGroup } = cluster;
  if (kubeconfig !== undefined && !isDeferred(kubeconfig)) {
    if (typeof kubeconfig !== 'string' || kubeconfig.trim() === '') {
      invalid(where, 'cluster.kubeconfig', '(not shown)', 'a kubeconfig: a non-empty string or a Pulumi Output of one');
    }
  }
  if (provider !== undefined && !(provider instanceof k8s.Provider)) {
    invalid(where, 'cluster.provider', provider, 'a @pulumi/kubernetes Provider');
  }
  if (oidcIssuerUrl !== undefined && !isDeferred(oidcIssuerUrl)) {
    checkSingleLine(where, 'cluster.oidcIssuerUrl', oidcIssuerUrl);
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(oidcIssuerUrl as string)) {
      invalid(where, 'cluster.oidcIssuerUrl', oidcIssuerUrl, 'an https URL (the cluster OIDC issuer)');
    }
  }
  if (nodeResourceGroup !== undefined)
    checkResourceGroupName(where, 'cluster.nodeResourceGroup', nodeResourceGroup as string);
  return cluster as CheckedStackArgs['cluster'];
}
