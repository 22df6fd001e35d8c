import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import * as random from '@pulumi/random';
import * as storage from '@pulumi/azure-native/storage';
import { KubernetesSecretRequirement, SecretValuePart, SecretValueSource } from '../azure/requirement-types';
import { StorageAccountRef } from './account-ref';

/** What a Secret's values are composed from. */
export interface SecretSources {
  /** The stack's storage accounts by name. */
  readonly accounts: ReadonlyMap<string, StorageAccountRef>;
  /** Subscription and tenant of the deploying credentials. */
  readonly clientConfig: () => pulumi.Output<{ subscriptionId: string; tenantId: string }>;
  /** The cluster's node resource group, when given. */
  readonly clusterNodeResourceGroup?: string;
  /** `provided` values, by config key (already checked to be present). */
  readonly provided: (configKey: string) => pulumi.Output<string>;
  /** The config key of a provided part of `key`. */
  readonly configKeyOf: (key: string, part: Extract<SecretValuePart, { from: 'provided' }>) => string;
}

/** Arguments of {@link DeclaredSecret}. */
export interface DeclaredSecretArgs {
  /** The declared Secret. */
  readonly requirement: KubernetesSecretRequirement;
  /** Where its values come from. */
  readonly sources: SecretSources;
  /** Resources the Secret waits for (its Namespace). */
  readonly dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /** Name of the typed Secret resource, derived from namespace and name. */
  readonly resourceName: string;
}

/**
 * A Kubernetes Secret declared by a construct, filled from Outputs and marked secret: account
 * names and keys, generated passwords (a `RandomPassword` each, stable across runs), values from
 * Pulumi secret config, or a dotenv file composed of those. Nothing of it reaches a manifest or
 * a component's inputs.
 */
export class DeclaredSecret extends pulumi.ComponentResource {
  /** The typed Secret. */
  public readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: DeclaredSecretArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const req = args.requirement;
    super(
      'aks-stateful:kubernetes:DeclaredSecret',
      name,
      { namespace: req.namespace, name: req.name, keys: Object.keys(req.keys) },
      opts,
    );
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const [key, source] of Object.entries(req.keys))
      stringData[key] = pulumi.secret(this.value(name, key, source, args.sources));
    this.secret = new k8s.core.v1.Secret(
      args.resourceName,
      {
        metadata: {
          name: req.name,
          namespace: req.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'aks-stateful' },
        },
        type: 'Opaque',
        stringData,
      },
      {
        parent: this,
        provider: args.provider,
        ...(args.dependsOn ? { dependsOn: args.dependsOn } : {}),
        additionalSecretOutputs: ['data', 'stringData'],
      },
    );
    this.registerOutputs({});
  }

  private value(name: string, key: string, source: SecretValueSource, sources: SecretSources): pulumi.Output<string> {
    if (source.from !== 'dotenv') return this.part(`${name}-${key}`, key, source, sources);
    const lines = Object.entries(source.variables).map(([variable, part]) =>
      this.part(`${name}-${key}-${variable}`, key, part, sources).apply((value) => `${variable}=${value}`),
    );
    return pulumi.all(lines).apply((all) => `${all.join('\n')}\n`);
  }

  private part(name: string, key: string, part: SecretValuePart, sources: SecretSources): pulumi.Output<string> {
    const account = (accountName: string) => {
      const found = sources.accounts.get(accountName);
      // The plan creates every account a Secret names; a miss is a bug in the layer, not in the input.
      if (!found) throw new Error(`aks-stateful: storage account ${accountName} is not part of this stack`);
      return found;
    };
    switch (part.from) {
      case 'storageAccountName':
        return pulumi.output(account(part.account).accountName);
      case 'storageAccountKey': {
        const acct = account(part.account);
        const keys = storage.listStorageAccountKeysOutput(
          { accountName: acct.accountName, resourceGroupName: acct.resourceGroupName },
          { parent: this },
        );
        return pulumi.secret(
          keys.keys.apply((list) => required(list?.[0]?.value, `the key of storage account ${part.account}`)),
        );
      }
      case 'generatedPassword': {
        const password = new random.RandomPassword(name, { length: part.length, special: false }, { parent: this });
        return password.result.apply((value) => required(value, `the generated password of ${name}`));
      }
      case 'provided':
        return sources.provided(sources.configKeyOf(key, part));
      case 'subscriptionId':
        return sources.clientConfig().apply((c) => c.subscriptionId);
      case 'tenantId':
        return sources.clientConfig().apply((c) => c.tenantId);
      case 'clusterNodeResourceGroup':
        return pulumi.output(required(sources.clusterNodeResourceGroup, "the cluster's node resource group"));
      case 'literal':
        return pulumi.output(part.value);
    }
  }
}

/** An empty value would silently produce a Secret that looks complete: fail the deployment instead. */
function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`aks-stateful: ${what} came back empty`);
  return value;
}
