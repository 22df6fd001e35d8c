import { ApiObject } from 'cdk8s';
// Types only: cdk8s-plus-27's generated module (2.5 MB) is never loaded by these objects. Loading
// and compiling it took 17-21 ms of every cold start, and its per-kind converters (run after cdk8s
// has resolved and sorted an object) only unwrap quantities, rename a few fields and drop the ones
// they do not know, which the typed props below and kube-json.ts's checks take care of instead.
import type * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';

/*
 * The Kubernetes objects the constructs emit: cdk8s ApiObjects typed by cdk8s-plus-27's generated
 * Kubernetes 1.27 props, with quantities and int-or-string values written as what Kubernetes
 * reads (`'16Gi'`, `5432`) instead of cdk8s-plus's wrapper classes. Fields are typed, not
 * filtered: the generated classes silently drop a field they do not know, these write it (raw JSON
 * from users is checked field by field at construction: kube-json.ts), and the tests validate every
 * synthesized object against the Kubernetes 1.33 schemas. A JSON patch on them (`addJsonPatch`)
 * applies to this Kubernetes JSON, quantities as text.
 */

/** A quantity or an int-or-string as its JSON value. */
export type QuantityValue = string | number;

/**
 * The generated props' names of fields whose Kubernetes JSON name differs (cdk8s-plus's
 * converters rename them on output: `clusterIp` is written `clusterIP`). The plain types below
 * take the JSON names. Not listed: `ref` and `schema`, which only JSONSchemaProps writes `$ref` and
 * `$schema` (a CRD version's `schema` keeps its name); the constructs emit no CRD.
 */
interface JsonNames {
  clientIp: 'clientIP';
  clusterIp: 'clusterIP';
  datasetUuid: 'datasetUUID';
  diskUri: 'diskURI';
  downwardApi: 'downwardAPI';
  externalId: 'externalID';
  hostIp: 'hostIP';
  hostIpc: 'hostIPC';
  hostPid: 'hostPID';
  insecureSkipTlsVerify: 'insecureSkipTLSVerify';
  loadBalancerIp: 'loadBalancerIP';
  nodeId: 'nodeID';
  nonResourceUrLs: 'nonResourceURLs';
  openApiv3Schema: 'openAPIV3Schema';
  pdId: 'pdID';
  podCidRs: 'podCIDRs';
  podCidr: 'podCIDR';
  providerId: 'providerID';
  scaleIo: 'scaleIO';
  setHostnameAsFqdn: 'setHostnameAsFQDN';
  storagePolicyId: 'storagePolicyID';
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage';
  targetWwNs: 'targetWWNs';
  volumeId: 'volumeID';
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource';
  xKubernetesIntOrString: 'x-kubernetes-int-or-string';
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys';
  xKubernetesListType: 'x-kubernetes-list-type';
  xKubernetesMapType: 'x-kubernetes-map-type';
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields';
  xKubernetesValidations: 'x-kubernetes-validations';
}

/** A field's Kubernetes JSON name. */
type JsonKey<K> = K extends keyof JsonNames ? JsonNames[K] : K;

/**
 * `T` with cdk8s-plus's `Quantity` and `IntOrString` wrappers replaced by their JSON values,
 * deeply. Both wrappers are, structurally, `{ readonly value: string | number }` and nothing else;
 * an object type with more keys (an HTTP header's `{ name, value }`) is kept as it is. Field names
 * are Kubernetes's own ({@link JsonNames}).
 */
export type Plain<T> = T extends k8s.Quantity | k8s.IntOrString
  ? [keyof T] extends ['value']
    ? QuantityValue
    : { [K in keyof T as JsonKey<K>]: Plain<T[K]> }
  : T extends Date
    ? T
    : T extends readonly (infer U)[]
      ? Plain<U>[]
      : T extends object
        ? { [K in keyof T as JsonKey<K>]: Plain<T[K]> }
        : T;

export type Affinity = Plain<k8s.Affinity>;
export type Container = Plain<k8s.Container>;
export type ContainerPort = Plain<k8s.ContainerPort>;
export type EnvVar = Plain<k8s.EnvVar>;
export type NetworkPolicyEgressRule = Plain<k8s.NetworkPolicyEgressRule>;
export type NodeSelectorTerm = Plain<k8s.NodeSelectorTerm>;
export type PodSecurityContext = Plain<k8s.PodSecurityContext>;
export type PodSpec = Plain<k8s.PodSpec>;
export type Probe = Plain<k8s.Probe>;
export type ResourceRequirements = Plain<k8s.ResourceRequirements>;
export type SecurityContext = Plain<k8s.SecurityContext>;
export type ServicePort = Plain<k8s.ServicePort>;
export type StatefulSetSpec = Plain<k8s.StatefulSetSpec>;
export type Toleration = Plain<k8s.Toleration>;
export type TopologySpreadConstraint = Plain<k8s.TopologySpreadConstraint>;
export type Volume = Plain<k8s.Volume>;
export type VolumeMount = Plain<k8s.VolumeMount>;

/** The API version and kind of an object. */
export interface GroupVersionKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** An ApiObject of one kind, with typed props (`apiVersion` and `kind` are the class's own). */
export abstract class KubeObject<P> extends ApiObject {
  protected constructor(scope: Construct, id: string, gvk: GroupVersionKind, props: Plain<P>) {
    super(scope, id, { ...(props as object), apiVersion: gvk.apiVersion, kind: gvk.kind });
  }
}

/** A ServiceAccount (v1). */
export class KubeServiceAccount extends KubeObject<k8s.KubeServiceAccountProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'ServiceAccount' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeServiceAccountProps>) {
    super(scope, id, KubeServiceAccount.GVK, props);
  }
}

/** A NetworkPolicy (networking.k8s.io/v1). */
export class KubeNetworkPolicy extends KubeObject<k8s.KubeNetworkPolicyProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeNetworkPolicyProps>) {
    super(scope, id, KubeNetworkPolicy.GVK, props);
  }
}

/** A Job (batch/v1). */
export class KubeJob extends KubeObject<k8s.KubeJobProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'batch/v1', kind: 'Job' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeJobProps>) {
    super(scope, id, KubeJob.GVK, props);
  }
}

/** A CronJob (batch/v1). */
export class KubeCronJob extends KubeObject<k8s.KubeCronJobProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'batch/v1', kind: 'CronJob' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeCronJobProps>) {
    super(scope, id, KubeCronJob.GVK, props);
  }
}

/** A StatefulSet (apps/v1). */
export class KubeStatefulSet extends KubeObject<k8s.KubeStatefulSetProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeStatefulSetProps>) {
    super(scope, id, KubeStatefulSet.GVK, props);
  }
}

/** A Service (v1). */
export class KubeService extends KubeObject<k8s.KubeServiceProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'Service' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeServiceProps>) {
    super(scope, id, KubeService.GVK, props);
  }
}

/** A PersistentVolumeClaim (v1). */
export class KubePersistentVolumeClaim extends KubeObject<k8s.KubePersistentVolumeClaimProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubePersistentVolumeClaimProps>) {
    super(scope, id, KubePersistentVolumeClaim.GVK, props);
  }
}

/** A StorageClass (storage.k8s.io/v1). */
export class KubeStorageClass extends KubeObject<k8s.KubeStorageClassProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeStorageClassProps>) {
    super(scope, id, KubeStorageClass.GVK, props);
  }
}

/** A Deployment (apps/v1). */
export class KubeDeployment extends KubeObject<k8s.KubeDeploymentProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'apps/v1', kind: 'Deployment' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeDeploymentProps>) {
    super(scope, id, KubeDeployment.GVK, props);
  }
}

/** A ConfigMap (v1). */
export class KubeConfigMap extends KubeObject<k8s.KubeConfigMapProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'ConfigMap' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeConfigMapProps>) {
    super(scope, id, KubeConfigMap.GVK, props);
  }
}

/** A ClusterRoleBinding (rbac.authorization.k8s.io/v1). */
export class KubeClusterRoleBinding extends KubeObject<k8s.KubeClusterRoleBindingProps> {
  public static readonly GVK: GroupVersionKind = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
  };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeClusterRoleBindingProps>) {
    super(scope, id, KubeClusterRoleBinding.GVK, props);
  }
}

/** A DaemonSet (apps/v1). */
export class KubeDaemonSet extends KubeObject<k8s.KubeDaemonSetProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeDaemonSetProps>) {
    super(scope, id, KubeDaemonSet.GVK, props);
  }
}

/** A PersistentVolume (v1). */
export class KubePersistentVolume extends KubeObject<k8s.KubePersistentVolumeProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'PersistentVolume' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubePersistentVolumeProps>) {
    super(scope, id, KubePersistentVolume.GVK, props);
  }
}

/** A Namespace (v1). */
export class KubeNamespace extends KubeObject<k8s.KubeNamespaceProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'v1', kind: 'Namespace' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeNamespaceProps>) {
    super(scope, id, KubeNamespace.GVK, props);
  }
}

/** A RoleBinding (rbac.authorization.k8s.io/v1). */
export class KubeRoleBinding extends KubeObject<k8s.KubeRoleBindingProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeRoleBindingProps>) {
    super(scope, id, KubeRoleBinding.GVK, props);
  }
}

/** A Role (rbac.authorization.k8s.io/v1). */
export class KubeRole extends KubeObject<k8s.KubeRoleProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeRoleProps>) {
    super(scope, id, KubeRole.GVK, props);
  }
}

/** A PodDisruptionBudget (policy/v1). */
export class KubePodDisruptionBudget extends KubeObject<k8s.KubePodDisruptionBudgetProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubePodDisruptionBudgetProps>) {
    super(scope, id, KubePodDisruptionBudget.GVK, props);
  }
}

/** A ClusterRole (rbac.authorization.k8s.io/v1). */
export class KubeClusterRole extends KubeObject<k8s.KubeClusterRoleProps> {
  public static readonly GVK: GroupVersionKind = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' };
  constructor(scope: Construct, id: string, props: Plain<k8s.KubeClusterRoleProps>) {
    super(scope, id, KubeClusterRole.GVK, props);
  }
}

/** The props of one kind's object, plain. */
export type KubeStatefulSetProps = Plain<k8s.KubeStatefulSetProps>;
export type KubePersistentVolumeClaimProps = Plain<k8s.KubePersistentVolumeClaimProps>;
