/**
 * Hostile StatefulStack arguments, as a program reading Pulumi config (strings) or a JavaScript
 * caller would pass them: each is either refused with a StatefulStackConfigError naming the
 * argument as written, or the stack plans. Never a TypeError, never a secret in a message.
 */
import fc from 'fast-check';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { StatefulStack, StatefulStackArgs, StatefulStackConfigError } from '../../lib/pulumi';
import { addExamples } from '../../examples';
import { PROGRAM_SETTINGS } from './support/example-config';
import { installMocks, settle } from './support/mocks';
import { PROPERTY_PARAMETERS, hostileValue, namesField, userField, withValueAt } from '../support/hostile';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\n# kubeconfig-5ecret';

const valid = (app: App) => ({
  app,
  charts: addExamples(app, ['storage'], PROGRAM_SETTINGS),
  resourceGroupName: 'rg-aks',
  location: 'westeurope',
  softDeleteDays: 14,
  dataProtection: 'retainOnDelete',
  servicePrincipalObjectIds: {},
  customRoleDefinitionIds: {},
  cluster: { kubeconfig: KUBECONFIG, oidcIssuerUrl: 'https://issuer.example/t/', nodeResourceGroup: 'MC_rg' },
});

const PATHS = [
  'app',
  'charts',
  'charts.0',
  'resourceGroupName',
  'location',
  'softDeleteDays',
  'dataProtection',
  'servicePrincipalObjectIds',
  'customRoleDefinitionIds',
  'customRoleDefinitionIds.Reader',
  'cluster',
  'cluster.kubeconfig',
  'cluster.provider',
  'cluster.oidcIssuerUrl',
  'cluster.nodeResourceGroup',
];

function outcome(path: string, value: unknown): string | undefined {
  const app = new App();
  let error: unknown;
  try {
    new StatefulStack('hostile', withValueAt(valid(app), path, value) as unknown as StatefulStackArgs);
  } catch (e) {
    error = e;
  }
  if (error === undefined) return undefined;
  if (!(error instanceof StatefulStackConfigError))
    return `threw ${(error as Error)?.name}: ${(error as Error)?.message}`;
  if (error.message.includes('5ecret')) return `a message shows the kubeconfig: ${error.message}`;
  const fields = error.problems.map((p) => p.field.replace(/ \(config .*\)$/, ''));
  if (!fields.some((f) => namesField(f, path))) return `names ${fields.join(', ')}, not ${userField(path)}`;
  return undefined;
}

describe('StatefulStack arguments, hostile', () => {
  it('refuses each with an error naming the argument, or plans', async () => {
    const recorded = await installMocks({});
    const app = new App();
    expect(() => new StatefulStack('valid', valid(app) as unknown as StatefulStackArgs)).not.toThrow();
    const details = fc.check(
      fc.property(fc.constantFrom(...PATHS), hostileValue, (path, value) => {
        const problem = outcome(path, value);
        if (problem) throw new Error(`${userField(path)} = ${JSON.stringify(value)}: ${problem}`);
      }),
      { ...PROPERTY_PARAMETERS, numRuns: 150 },
    );
    await settle(recorded, 100);
    if (details.failed) throw new Error(String((details.errorInstance as Error)?.message ?? details.errorInstance));
  }, 60_000);

  it('reads a boolean-looking or numeric config string as the wrong type, naming it', async () => {
    await installMocks({});
    expect(outcome('softDeleteDays', '14')).toBeUndefined();
    const app = new App();
    expect(
      () => new StatefulStack('s', { ...valid(app), softDeleteDays: '14' } as unknown as StatefulStackArgs),
    ).toThrow(/softDeleteDays "14" is not allowed: a whole number of days from 1 to 365/);
    expect(
      () =>
        new StatefulStack('s', {
          ...valid(new App()),
          cluster: { kubeconfig: 42 },
        } as unknown as StatefulStackArgs),
    ).toThrow(/cluster\.kubeconfig "\(not shown\)" is not allowed/);
    expect(
      () =>
        new StatefulStack('s', {
          ...valid(new App()),
          cluster: { kubeconfig: KUBECONFIG, oidcIssuerUrl: 'https://issuer\n.example' },
        } as unknown as StatefulStackArgs),
    ).toThrow(/cluster\.oidcIssuerUrl .* is not allowed: a single line/);
  });
});
