import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import * as authorization from '@pulumi/azure-native/authorization';
import { App, Chart } from 'cdk8s';
import { ListedAzureRequirement } from '../azure/requirement-types';
import { listAzureRequirements, providedConfigKey, secretValueParts } from '../azure/requirements';
import { isGuid } from '../core/values';
import { PostgresSingleton } from '../workloads/postgres-singleton';
import { AzurePlan, planAzureResources } from './azure-plan';
import { DataProtection } from './data-protection';
import { DeclaredSecret } from './declared-secret';
import { PlannedObject, planManifests } from './manifest-plan';
import { Manifests } from './manifests';
import { Problems } from './problems';
import { CheckedStackArgs, checkStackArgs } from './stack-args';
import { ServicePrincipalRoles } from './service-principal-roles';
import {
  configuredLocation,
  configuredObjectIds,
  providedValue,
  setObjectIdCommand,
  setSecretCommand,
  CONFIG_NAMESPACE,
} from './stack-config';
import { StorageAccountRef, existingAccount } from './account-ref';
import { StorageAccount } from './storage-account';
import { WorkloadIdentity } from './workload-identity';

/** The AKS cluster a stack deploys to. */
export interface StatefulStackCluster {
  /** Kubeconfig of the cluster (mark it secret). Give this or `provider`. @default none */
  readonly kubeconfig?: pulumi.Input<string>;
  /** A Kubernetes provider you already have, instead of `kubeconfig`. @default one made from `kubeconfig` */
  readonly provider?: k8s.Provider;
  /**
   * The cluster's OIDC issuer (`az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`).
   * Required when a construct declares a workload identity. @default none
   */
  readonly oidcIssuerUrl?: pulumi.Input<string>;
  /**
   * The cluster's node resource group (`MC_...`, `az aks show --query nodeResourceGroup`), for
   * Velero's credentials file when its auth gives none. @default none
   */
  readonly nodeResourceGroup?: string;
}

/** Arguments of {@link StatefulStack}. */
export interface StatefulStackArgs {
  /** The cdk8s app whose constructs declare what to create. */
  readonly app: App;
  /** The charts of `app` this stack applies to its cluster. @default every chart of the app */
  readonly charts?: readonly Chart[];
  /** Existing resource group for storage accounts and identities that name none. */
  readonly resourceGroupName: string;
  /** Azure region of the storage accounts and identities. @default config `azure-native:location` */
  readonly location?: string;
  /** The cluster. */
  readonly cluster: StatefulStackCluster;
  /** Days deleted blobs, containers and shares stay recoverable (soft delete). @default 14 */
  readonly softDeleteDays?: number;
  /** What `pulumi destroy` may do to storage accounts, containers, shares, Namespaces, claims and volumes. @default 'retainOnDelete' */
  readonly dataProtection?: DataProtection;
  /**
   * Object ids (Entra ID) of existing service principals that constructs grant roles to, by client id.
   * @default config `aks-stateful:servicePrincipalObjectIds`
   */
  readonly servicePrincipalObjectIds?: Readonly<Record<string, string>>;
  /** Definition GUIDs of custom roles the constructs name, by role name. @default none (built-in roles only) */
  readonly customRoleDefinitionIds?: Readonly<Record<string, string>>;
}

/** Everything a stack resolved before registering anything. */
interface StackPlan {
  readonly location: string;
  readonly requirements: readonly ListedAzureRequirement[];
  readonly azure: AzurePlan;
  readonly objects: readonly PlannedObject[];
  readonly charts: readonly Chart[];
  readonly objectIds: Readonly<Record<string, string>>;
  readonly provided: ReadonlyMap<string, pulumi.Output<string>>;
  readonly args: CheckedStackArgs;
}

/**
 * One `pulumi up` for a cdk8s app: creates, exactly once each, the storage accounts, containers,
 * lifecycle rules, file shares, managed identities with federated credentials and role
 * assignments that the app's constructs declare; fills every declared Secret from Outputs; writes
 * the identities' client ids into their ServiceAccounts; and applies every object of the app's
 * charts in an order that works on an empty cluster. Every problem with the app or the config is
 * reported at once, before anything is registered.
 */
export class StatefulStack extends pulumi.ComponentResource {
  /** Storage accounts the stack created, by name (existing ones are only referred to). */
  public readonly storageAccounts: Readonly<Record<string, StorageAccount>>;
  /** Workload identities by identity name. */
  public readonly workloadIdentities: Readonly<Record<string, WorkloadIdentity>>;
  /** Declared Secrets by `<namespace>/<name>`. */
  public readonly secrets: Readonly<Record<string, DeclaredSecret>>;
  /** The applied manifests. */
  public readonly manifests: Manifests;
  /** The Kubernetes provider the manifests and Secrets use. */
  public readonly provider: k8s.Provider;
  /** Storage account name → blob endpoint. */
  public readonly blobEndpoints: Readonly<Record<string, pulumi.Output<string>>>;
  /** Identity name → client id. */
  public readonly identityClientIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** PostgreSQL host names in the cluster, by construct path. */
  public readonly databaseHosts: Readonly<Record<string, string>>;
  /** The requirements this stack provisioned (what `listAzureRequirements` returns for its charts). */
  public readonly requirements: readonly ListedAzureRequirement[];

  constructor(name: string, args: StatefulStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything is checked before super(): a bad app or config registers nothing, not even this component.
    const plan = planStack(name, args);
    super(
      'aks-stateful:index:StatefulStack',
      name,
      { charts: plan.charts.map((c) => c.node.path), resourceGroupName: args.resourceGroupName },
      opts,
    );
    this.requirements = plan.requirements;
    const parent = { parent: this };

    let clientConfig: pulumi.Output<authorization.GetClientConfigResult> | undefined;
    const getClientConfig = () => (clientConfig ??= authorization.getClientConfigOutput(parent));

    const created = new Map<string, StorageAccount>();
    const accounts = new Map<string, StorageAccountRef>();
    for (const account of plan.azure.accounts) {
      if (account.existing) {
        accounts.set(
          account.name,
          existingAccount(account.name, account.resourceGroup, getClientConfig().subscriptionId),
        );
        continue;
      }
      const component = new StorageAccount(
        `${name}-${account.name}`,
        {
          plan: account,
          location: plan.location,
          softDeleteDays: plan.args.softDeleteDays,
          dataProtection: plan.args.dataProtection,
        },
        parent,
      );
      created.set(account.name, component);
      accounts.set(account.name, component);
    }
    const roleContext = () => ({ subscriptionId: getClientConfig().subscriptionId, accounts });

    const identities = new Map<string, WorkloadIdentity>();
    for (const identity of plan.azure.identities) {
      identities.set(
        identity.identity,
        new WorkloadIdentity(
          `${name}-${identity.identity}`,
          {
            plan: identity,
            resourceGroupName: args.resourceGroupName,
            location: plan.location,
            oidcIssuerUrl: plan.args.cluster.oidcIssuerUrl!,
            roles: roleContext(),
          },
          parent,
        ),
      );
    }
    for (const sp of plan.azure.servicePrincipals) {
      new ServicePrincipalRoles(
        `${name}-sp-${sp.clientId.toLowerCase()}`,
        { plan: sp, objectId: plan.objectIds[sp.clientId.toLowerCase()], roles: roleContext() },
        parent,
      );
    }

    this.provider =
      plan.args.cluster.provider ??
      new k8s.Provider(`${name}-cluster`, { kubeconfig: plan.args.cluster.kubeconfig! }, parent);
    const later: { manifests?: Manifests } = {};
    // Secrets wait for their Namespace, which the manifests create; the lookup resolves once they exist.
    const namespaceOf = (namespace: string) =>
      pulumi
        .output(Promise.resolve().then(() => later.manifests!.resources))
        .apply((map) => (map[`v1/Namespace::${namespace}`] ? [map[`v1/Namespace::${namespace}`]] : []));

    const secrets: Record<string, DeclaredSecret> = {};
    for (const req of plan.azure.secrets) {
      secrets[`${req.namespace}/${req.name}`] = new DeclaredSecret(
        `${name}-${req.namespace}-${req.name}`,
        {
          requirement: req,
          resourceName: `${name}-${req.namespace}/${req.name}`,
          provider: this.provider,
          dependsOn: namespaceOf(req.namespace),
          sources: {
            accounts,
            clientConfig: () =>
              getClientConfig().apply((c) => ({ subscriptionId: c.subscriptionId, tenantId: c.tenantId })),
            clusterNodeResourceGroup: plan.args.cluster.nodeResourceGroup,
            provided: (key) => plan.provided.get(key)!,
            configKeyOf: (key, part) => providedConfigKey(req, key, part),
          },
        },
        parent,
      );
    }
    this.secrets = secrets;

    const workloadIdentities = new Map<string, { clientId: pulumi.Output<string>; ready: pulumi.Resource[] }>();
    for (const identity of plan.azure.identities) {
      const component = identities.get(identity.identity)!;
      for (const sa of identity.serviceAccounts) {
        const key = `${sa.namespace}/${sa.serviceAccount}`;
        workloadIdentities.set(key, {
          clientId: component.clientId,
          ready: [component.credentials[key], ...component.roleAssignments],
        });
      }
    }
    const manifests = new Manifests(
      `${name}-manifests`,
      {
        objects: plan.objects,
        provider: this.provider,
        resourcePrefix: name,
        secrets: new Map(Object.entries(secrets).map(([k, v]) => [k, v.secret])),
        workloadIdentities,
        dataProtection: plan.args.dataProtection,
      },
      parent,
    );
    later.manifests = manifests;
    this.manifests = manifests;

    this.storageAccounts = Object.fromEntries(created);
    this.workloadIdentities = Object.fromEntries(identities);
    this.blobEndpoints = Object.fromEntries([...created].map(([n, a]) => [n, a.blobEndpoint]));
    this.identityClientIds = Object.fromEntries([...identities].map(([n, i]) => [n, i.clientId]));
    this.databaseHosts = Object.fromEntries(
      plan.charts.flatMap((chart) =>
        chart.node
          .findAll()
          .filter((c): c is PostgresSingleton => c instanceof PostgresSingleton)
          .map((db) => [db.node.path, db.connection.host]),
      ),
    );
    this.registerOutputs({
      blobEndpoints: this.blobEndpoints,
      identityClientIds: this.identityClientIds,
      databaseHosts: this.databaseHosts,
    });
  }
}

/** Checks the app and the config and plans every resource; throws all problems at once. */
function planStack(name: string, args: StatefulStackArgs): StackPlan {
  const problems = new Problems();
  const where = `StatefulStack ${name}`;
  const checked = checkStackArgs(where, args, problems);
  if (checked === undefined) {
    problems.throwIfAny();
    throw new Error('unreachable: checkStackArgs reports a problem when it returns nothing');
  }
  const { app, charts, cluster } = checked;
  const location = args.location ?? configuredLocation();
  if (typeof location !== 'string' || !/^[a-z0-9]+$/.test(location)) {
    problems.add(
      where,
      args.location === undefined ? 'location (config azure-native:location)' : 'location',
      location,
      'an Azure region name like westeurope: pulumi config set azure-native:location westeurope',
    );
  }
  if (cluster.kubeconfig === undefined && cluster.provider === undefined) {
    problems.add(
      where,
      'cluster.kubeconfig',
      undefined,
      `the cluster's kubeconfig (or cluster.provider): az aks get-credentials -g <rg> -n <cluster> --file - | pulumi config set --secret ${CONFIG_NAMESPACE}:kubeconfig`,
    );
  }

  const objects = planManifests(app, charts, problems);
  const merged = problems.catch(() => listAzureRequirements(charts)) ?? [];
  const azure = planAzureResources(
    merged,
    {
      resourceGroupName: args.resourceGroupName,
      customRoleDefinitionIds: checked.customRoleDefinitionIds,
    },
    problems,
  );

  if (azure.identities.length > 0) {
    const issuer = cluster.oidcIssuerUrl;
    if (issuer === undefined) {
      problems.add(
        where,
        'cluster.oidcIssuerUrl',
        issuer,
        `the cluster's OIDC issuer URL, needed for the workload identities ${azure.identities.map((i) => i.identity).join(', ')}: ` +
          `az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv (this repository's program: pulumi config set ${CONFIG_NAMESPACE}:oidcIssuerUrl <url>)`,
      );
    }
  }
  const objectKeys = new Set(objects.map((o) => o.key));
  for (const secret of azure.secrets) {
    if (objectKeys.has(`v1/Secret::${secret.namespace}/${secret.name}`)) {
      problems.add(
        secret.declaredBy.join(', '),
        `Secret ${secret.namespace}/${secret.name}`,
        'in the manifests',
        'a declared Secret only: the stack creates it from Outputs, and a manifest of the same name would overwrite it',
      );
    }
  }
  const objectIds = Object.fromEntries(
    Object.entries(checked.servicePrincipalObjectIds ?? configuredObjectIds()).map(([k, v]) => [k.toLowerCase(), v]),
  );
  for (const sp of azure.servicePrincipals) {
    const id = objectIds[sp.clientId.toLowerCase()];
    if (!isGuid(id)) {
      problems.add(
        sp.declaredBy.join(', '),
        `object id of service principal ${sp.clientId}`,
        id,
        `its Entra ID object id (a GUID; role assignments need it, the client id is not enough): ${setObjectIdCommand(sp.clientId)}`,
      );
    }
  }
  const provided = new Map<string, pulumi.Output<string>>();
  for (const secret of azure.secrets) {
    for (const [key, source] of Object.entries(secret.keys)) {
      for (const part of secretValueParts(source)) {
        if (part.from === 'provided') {
          const configKey = providedConfigKey(secret, key, part);
          const value = providedValue(configKey);
          if (value === undefined) {
            problems.add(
              secret.declaredBy.join(', '),
              `config ${CONFIG_NAMESPACE}:${configKey}`,
              undefined,
              `${part.description}, for key ${key} of Secret ${secret.namespace}/${secret.name}: ${setSecretCommand(configKey)}`,
            );
          } else {
            provided.set(configKey, value);
          }
        }
        if (part.from === 'clusterNodeResourceGroup' && cluster.nodeResourceGroup === undefined) {
          problems.add(
            secret.declaredBy.join(', '),
            'cluster.nodeResourceGroup',
            undefined,
            `the cluster's node resource group (MC_...), for Secret ${secret.namespace}/${secret.name}: az aks show -g <rg> -n <cluster> --query nodeResourceGroup -o tsv (this repository's program: pulumi config set ${CONFIG_NAMESPACE}:nodeResourceGroup <name>)`,
          );
        }
      }
    }
  }
  problems.throwIfAny();
  return { location: location!, requirements: merged, azure, objects, charts, objectIds, provided, args: checked };
}
