import { ApiObject, Chart } from 'cdk8s';

/** The label `velero install` puts on every object it creates. */
export const VELERO_LABELS: Readonly<Record<string, string>> = { component: 'velero' };

/**
 * Label on the Velero custom resources (locations, schedules): their CRDs are created by the CRD
 * job, so on a fresh cluster apply everything else first:
 * `kubectl apply -f <file> -l 'aks-stateful.io/needs-crds!=velero.io'` (kubectl still reports the
 * unknown kinds and exits 1 after applying the rest), then the whole file once the Job is done.
 */
export const NEEDS_VELERO_CRDS_LABEL = 'aks-stateful.io/needs-crds';

/** Value of {@link NEEDS_VELERO_CRDS_LABEL}. */
export const VELERO_CRDS_GROUP = 'velero.io';

/** Pod label that makes the AKS workload identity webhook inject the federated token. */
export const WORKLOAD_IDENTITY_USE_LABEL = 'azure.workload.identity/use';
/** Service account annotation naming the managed identity's client id. */
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/** Service account annotation naming the tenant. */
export const WORKLOAD_IDENTITY_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';

/** Node affinity of the v1.18.1 install: anything but Windows nodes (with `os.name: linux`). */
export const LINUX_NODE_AFFINITY = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'NotIn', values: ['windows'] }] }],
    },
  },
};

/** Where the credentials Secret is mounted and the variable that points the plugin at it. */
export const CREDENTIALS_MOUNT_PATH = '/credentials';
export const CREDENTIALS_KEY = 'cloud';
export const CREDENTIALS_FILE = `${CREDENTIALS_MOUNT_PATH}/${CREDENTIALS_KEY}`;

/**
 * Orders a Velero custom resource after the CRD job. Within one chart the edge orders the file and
 * gives Pulumi its dependsOn; across charts cdk8s would renumber every output file, so a resource
 * in a separate custom-resources chart relies on that chart being applied after the job (and on
 * its NEEDS_VELERO_CRDS_LABEL) instead.
 */
export function dependOnCrdJob(resource: ApiObject, crdJob: ApiObject): void {
  if (Chart.of(resource) === Chart.of(crdJob)) resource.addDependency(crdJob);
}
