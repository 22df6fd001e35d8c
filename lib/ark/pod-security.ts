import { PodSecurityContext } from '../core/kube-objects';

/**
 * Pod Security Standards for what Velero runs. The server, its init containers and the CRD job
 * meet "restricted"; the node agent cannot (it reads every pod's volumes through a hostPath of the
 * kubelet's pods directory, as root), so its namespace must allow "privileged".
 */
export type PodSecurityLevel = 'restricted' | 'privileged';

/**
 * The user of the Velero image: `USER cnb:cnb` in Velero v1.18's Dockerfile, the Paketo
 * run-jammy-tiny stack's run user (uid 1002, gid 1000). The name must be given as a number:
 * with `runAsNonRoot` the kubelet refuses to start an image whose user is a name.
 */
export const VELERO_UID = 1002;
export const VELERO_GID = 1000;

/** The user the kubectl init container runs as: the distroless `nonroot` id (kubectl is a static binary and needs no passwd entry). */
export const KUBECTL_UID = 65532;

/** Where the Velero image's user keeps kopia's repository config and cache (`/home/cnb/udmrepo`, `/home/cnb/.cache`). */
export const VELERO_HOME = '/home/cnb';

/** Pod-level settings of a "restricted" pod running as the Velero image's user. */
export const RESTRICTED_POD_SECURITY_CONTEXT: PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: VELERO_UID,
  runAsGroup: VELERO_GID,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The `pod-security.kubernetes.io` labels enforcing, auditing and warning at `level`. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
  }
  return labels;
}
