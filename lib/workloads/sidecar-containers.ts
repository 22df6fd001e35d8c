import { Container, SecurityContext } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { restrictedContainerSecurity } from '../core/container-security';
import { invalid } from '../core/errors';
import { checkKubeJson } from '../core/kube-json';
import { checkImage } from '../core/image';
import { checkDnsLabel, checkPortName } from '../core/names';
import { checkArray, checkPort, checkSecurityId, checkString, checkStringArray } from '../core/types';
import { checkAbsolutePath } from '../core/values';
import { ALLOWED_ADDED_CAPABILITY } from './container-props';

/**
 * The securityContext every sidecar starts from: Pod Security "restricted" with a writable root
 * file system (a sidecar's image may expect one). The user's own securityContext fields win one by one.
 */
const sidecarSecurity = (): SecurityContext => restrictedContainerSecurity({ writableRoot: true });

/**
 * Checks one raw Kubernetes sidecar container (`field` is e.g. `sidecars[0]`): its fields and
 * their types by checkKubeJson, then the rules below; returns the checked copy with the restricted
 * defaults under its own securityContext. Refused whatever the user says: privileged
 * containers, added capabilities other than NET_BIND_SERVICE, host ports, uid 0.
 */
export function resolveSidecar(
  scope: IConstruct,
  field: string,
  value: Container,
  mountable: readonly string[],
): Container {
  const c = checkKubeJson<Record<string, any>>(scope, field, value, 'Container');
  checkDnsLabel(scope, `${field}.name`, c.name as string);
  checkImage(scope, `${field}.image`, c.image);
  if (c.workingDir !== undefined) checkAbsolutePath(scope, `${field}.workingDir`, c.workingDir as string);
  if (c.ports !== undefined)
    checkArray(scope, `${field}.ports`, c.ports, (f, p) => {
      const port = p as Record<string, unknown>;
      checkPort(scope, `${f}.containerPort`, port.containerPort);
      if (port.name !== undefined) checkPortName(scope, `${f}.name`, port.name);
      for (const key of ['hostPort', 'hostIP'])
        if (port[key] !== undefined) invalid(scope, `${f}.${key}`, port[key], 'unset: Pod Security refuses host ports');
    });
  const paths = new Set<string>();
  if (c.volumeMounts !== undefined)
    checkArray(scope, `${field}.volumeMounts`, c.volumeMounts, (f, m) => {
      const mount = m as Record<string, unknown>;
      const name = checkString(scope, `${f}.name`, mount.name);
      if (!mountable.includes(name))
        invalid(scope, `${f}.name`, name, `one of the pod's volumes: ${mountable.join(', ')}`);
      const path = checkAbsolutePath(scope, `${f}.mountPath`, mount.mountPath as string);
      if (paths.has(path)) invalid(scope, `${f}.mountPath`, path, 'a path no other mount of this container uses');
      paths.add(path);
    });
  if (c.securityContext !== undefined) checkSecurity(scope, `${field}.securityContext`, c.securityContext);
  return { ...c, securityContext: { ...sidecarSecurity(), ...c.securityContext } } as Container;
}

function checkSecurity(scope: IConstruct, field: string, value: unknown): void {
  const s = value as Record<string, unknown>;
  if (s.privileged === true)
    invalid(
      scope,
      `${field}.privileged`,
      true,
      'false or unset: Pod Security "restricted" refuses privileged containers',
    );
  for (const key of ['runAsUser', 'runAsGroup'])
    if (s[key] !== undefined) checkSecurityId(scope, `${field}.${key}`, s[key]);
  if (s.runAsUser === 0)
    invalid(scope, `${field}.runAsUser`, 0, 'a non-zero uid: the pod runs as non-root (runAsNonRoot)');
  if (s.runAsNonRoot === false)
    invalid(scope, `${field}.runAsNonRoot`, false, 'true or unset: the pod runs as non-root');
  if (s.capabilities !== undefined) {
    const caps = s.capabilities as Record<string, unknown>;
    if (caps.drop !== undefined) checkStringArray(scope, `${field}.capabilities.drop`, caps.drop);
    if (caps.add !== undefined)
      checkStringArray(scope, `${field}.capabilities.add`, caps.add).forEach((cap, i) => {
        if (cap !== ALLOWED_ADDED_CAPABILITY)
          invalid(
            scope,
            `${field}.capabilities.add[${i}]`,
            cap,
            `${ALLOWED_ADDED_CAPABILITY} only: Pod Security "restricted" refuses other capabilities`,
          );
      });
  }
}
