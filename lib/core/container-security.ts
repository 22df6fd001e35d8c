import type { SecurityContext } from './kube-objects';

/**
 * A container's securityContext as Pod Security "restricted" asks of every container (no
 * privilege escalation, every capability dropped, a non-root user), with a read-only root file
 * system unless `writableRoot` (a user's sidecar may need to write where its image expects),
 * and the `user`'s uid and gid when given. A fresh object per call: objects never share one.
 */
export function restrictedContainerSecurity(options: { writableRoot?: boolean; user?: number } = {}): SecurityContext {
  return {
    ...(options.user === undefined ? {} : { runAsUser: options.user, runAsGroup: options.user }),
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    ...(options.writableRoot ? {} : { readOnlyRootFilesystem: true }),
    capabilities: { drop: ['ALL'] },
  };
}
