import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION } from '../ark/labels';
import { DataProtection, dataProtectionOptions } from './data-protection';
import { PlannedObject, objectKey } from './manifest-plan';

/** Kinds that hold data and are never deleted without the user asking (see {@link DataProtection}). */
export const DATA_BEARING_KINDS: readonly string[] = ['Namespace', 'PersistentVolumeClaim', 'PersistentVolume'];

/** Arguments of {@link Manifests}. */
export interface ManifestsArgs {
  /** The objects of the stack's charts, with their dependency edges. */
  readonly objects: readonly PlannedObject[];
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /**
   * Prefix of every object's resource name (`<prefix>-<namespace>/<name>`), so two stacks in one
   * program do not collide.
   */
  readonly resourcePrefix: string;
  /** Typed resources outside the manifests that objects wait for, by `<namespace>/<name>` of the Secret. */
  readonly secrets: ReadonlyMap<string, pulumi.Resource>;
  /**
   * Client ids to write into ServiceAccounts (`<namespace>/<name>` → Output) and what pods running
   * as them wait for (federated credential, role assignments).
   */
  readonly workloadIdentities: ReadonlyMap<
    string,
    { readonly clientId: pulumi.Output<string>; readonly ready: readonly pulumi.Resource[] }
  >;
  /** What `pulumi destroy` may do to Namespaces, claims and volumes. @default 'retainOnDelete' */
  readonly dataProtection?: DataProtection;
}

/**
 * Applies the synthesized objects: one v1 `yaml.ConfigGroup` per chart (`objs`, so every object
 * becomes a typed child resource), with transformations that overwrite ServiceAccounts'
 * workload identity client ids with the identity's Output, set `dependsOn` on the concrete child
 * resources each object waits for, keep data-bearing objects on delete, and mark suspended Jobs
 * `pulumi.com/skipAwait` (Pulumi would otherwise wait for them until it times out).
 */
export class Manifests extends pulumi.ComponentResource {
  /** One ConfigGroup per chart, by chart path. */
  public readonly groups: Readonly<Record<string, k8s.yaml.ConfigGroup>>;
  /** Every child resource by its lookup key (`<apiVersion>/<kind>::<namespace>/<name>`, without prefix). */
  public readonly resources: pulumi.Output<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: ManifestsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(
      'aks-stateful:kubernetes:Manifests',
      name,
      { charts: [...new Set(args.objects.map((o) => o.chart.node.path))] },
      opts,
    );
    const prefix = args.resourcePrefix;
    const groups: Record<string, k8s.yaml.ConfigGroup> = {};
    // Children are created after this constructor returns (ConfigGroup resolves `objs` as a
    // promise), so a lookup over all groups can be handed to every transformation up front.
    const all = pulumi
      .output(Promise.resolve().then(() => pulumi.all(Object.values(groups).map((g) => g.resources))))
      .apply((maps) => Object.assign({}, ...maps) as Record<string, pulumi.CustomResource>);
    const prefixed = (key: string) => key.replace('::', `::${prefix}-`);
    this.resources = all.apply((map) =>
      Object.fromEntries(Object.entries(map).map(([k, v]) => [k.replace(`::${prefix}-`, '::'), v])),
    );
    const byKey = new Map(args.objects.map((o) => [o.key, o]));
    const keep = dataProtectionOptions(args.dataProtection ?? 'retainOnDelete');

    const transformation = (obj: any, resourceOpts: pulumi.CustomResourceOptions) => {
      const planned = byKey.get(objectKey(obj));
      if (!planned) return;
      const waitFor: pulumi.Input<pulumi.Resource>[] = [];
      if (planned.dependsOn.length > 0) {
        const keys = planned.dependsOn.map(prefixed);
        waitFor.push(...planned.dependsOn.map((_, i) => all.apply((map) => map[keys[i]])));
      }
      for (const secret of planned.secrets) {
        const resource = args.secrets.get(secret);
        if (resource) waitFor.push(resource);
      }
      const identity = planned.podServiceAccount ? args.workloadIdentities.get(planned.podServiceAccount) : undefined;
      if (identity) waitFor.push(...identity.ready);
      if (obj.kind === 'ServiceAccount' && obj.apiVersion === 'v1') {
        const own = args.workloadIdentities.get(`${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`);
        if (own)
          obj.metadata.annotations = {
            ...obj.metadata.annotations,
            [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: own.clientId,
          };
      }
      if (obj.kind === 'Job' && obj.spec?.suspend === true) {
        obj.metadata.annotations = { ...obj.metadata.annotations, 'pulumi.com/skipAwait': 'true' };
      }
      if (waitFor.length > 0) resourceOpts.dependsOn = waitFor;
      if (DATA_BEARING_KINDS.includes(obj.kind)) Object.assign(resourceOpts, keep);
    };

    const charts = new Map<string, PlannedObject[]>();
    for (const object of args.objects) {
      const list = charts.get(object.chart.node.path) ?? [];
      list.push(object);
      charts.set(object.chart.node.path, list);
    }
    for (const [chartPath, objects] of charts) {
      groups[chartPath] = new k8s.yaml.ConfigGroup(
        `${name}-${chartPath.replace(/\//g, '-')}`,
        {
          objs: objects.map((o) => structuredClone(o.manifest)),
          resourcePrefix: prefix,
          transformations: [transformation],
        },
        { parent: this, provider: args.provider },
      );
    }
    this.groups = groups;
    this.registerOutputs({});
  }
}
