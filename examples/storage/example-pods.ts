import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * A non-root busybox pod running `script`, the shape every storage example uses. It meets the Pod
 * Security Standard "restricted": non-root with a non-zero uid, seccomp RuntimeDefault, no
 * privilege escalation, all capabilities dropped, a read-only root filesystem.
 */
export function busyboxPod(scope: Construct, id: string, script: string): kplus.Pod {
  const pod = new kplus.Pod(scope, id, {
    // fsGroup makes a freshly formatted disk writable for the non-root user.
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000 },
  });
  pod.addContainer({
    name: 'main',
    image: 'busybox:1.37',
    command: ['/bin/sh', '-c', script],
    securityContext: {
      ensureNonRoot: true,
      user: 1000,
      group: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    },
    resources: {
      cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
    },
  });
  // cdk8s-plus 27 has neither a pod seccompProfile nor the capability name ALL: patched in.
  const object = ApiObject.of(pod);
  object.addJsonPatch(JsonPatch.add('/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  object.addJsonPatch(JsonPatch.add('/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
  return pod;
}
