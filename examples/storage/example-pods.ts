import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** A non-root busybox pod running `script`, the shape every storage example uses. */
export function busyboxPod(scope: Construct, id: string, script: string): kplus.Pod {
  const pod = new kplus.Pod(scope, id, {
    // fsGroup makes a freshly formatted disk writable for the non-root user.
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000 },
  });
  pod.addContainer({
    name: 'main',
    image: 'busybox:1.37',
    command: ['/bin/sh', '-c', script],
    securityContext: { ensureNonRoot: true, user: 1000, group: 1000, readOnlyRootFilesystem: true },
    resources: {
      cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
    },
  });
  return pod;
}
