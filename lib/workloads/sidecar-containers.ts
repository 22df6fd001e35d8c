import { Container, ContainerPort, SecurityContext, VolumeMount } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { restrictedContainerSecurity } from '../core/container-security';
import { invalid } from '../core/errors';
import { checkImage } from '../core/image';
import { checkDnsLabel, checkPortName } from '../core/names';
import {
  checkArray,
  checkKnownKeys,
  checkRecord,
  checkOptionalBoolean,
  checkPort,
  checkSecurityId,
  checkString,
  checkStringArray,
} from '../core/types';
import { checkAbsolutePath } from '../core/values';
import { ALLOWED_ADDED_CAPABILITY } from './container-props';

/** Every field of a type, listed: the compiler refuses the list when the type gains or loses one. */
function fieldsOf<T>() {
  return <const L extends readonly (keyof T & string)[]>(
    ...list: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : ['missing', Exclude<keyof T, L[number]>])
  ): readonly string[] => list;
}

// The fields of a Kubernetes 1.27 container (cdk8s-plus-27's types, the ones the props are typed with).
const CONTAINER_FIELDS = fieldsOf<Container>()(
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
);
const PORT_FIELDS = fieldsOf<ContainerPort>()('containerPort', 'hostIP', 'hostPort', 'name', 'protocol');
const MOUNT_FIELDS = fieldsOf<VolumeMount>()(
  'mountPath',
  'mountPropagation',
  'name',
  'readOnly',
  'subPath',
  'subPathExpr',
);
const SECURITY_FIELDS = fieldsOf<SecurityContext>()(
  'allowPrivilegeEscalation',
  'capabilities',
  'privileged',
  'procMount',
  'readOnlyRootFilesystem',
  'runAsGroup',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile',
  'windowsOptions',
);

/**
 * The securityContext every sidecar starts from: Pod Security "restricted" with a writable root
 * file system (a sidecar's image may expect one). The user's own securityContext fields win one by one.
 */
const sidecarSecurity = (): SecurityContext => restrictedContainerSecurity({ writableRoot: true });

/**
 * Checks one raw Kubernetes sidecar container (`field` is e.g. `sidecars[0]`) and returns it with
 * the restricted defaults under its own securityContext. Refused whatever the user says: privileged
 * containers, added capabilities other than NET_BIND_SERVICE, host ports, uid 0.
 */
export function resolveSidecar(
  scope: IConstruct,
  field: string,
  value: Container,
  mountable: readonly string[],
): Container {
  const c = checkKnownKeys(scope, field, value, CONTAINER_FIELDS);
  checkDnsLabel(scope, `${field}.name`, c.name as string);
  checkImage(scope, `${field}.image`, c.image);
  for (const key of ['command', 'args'])
    if (c[key] !== undefined) checkStringArray(scope, `${field}.${key}`, c[key], 0);
  if (c.workingDir !== undefined) checkAbsolutePath(scope, `${field}.workingDir`, c.workingDir as string);
  if (c.ports !== undefined)
    checkArray(scope, `${field}.ports`, c.ports, (f, p) => {
      const port = checkKnownKeys(scope, f, p, PORT_FIELDS);
      checkPort(scope, `${f}.containerPort`, port.containerPort);
      if (port.name !== undefined) checkPortName(scope, `${f}.name`, port.name);
      for (const key of ['hostPort', 'hostIP'])
        if (port[key] !== undefined) invalid(scope, `${f}.${key}`, port[key], 'unset: Pod Security refuses host ports');
    });
  const paths = new Set<string>();
  if (c.volumeMounts !== undefined)
    checkArray(scope, `${field}.volumeMounts`, c.volumeMounts, (f, m) => {
      const mount = checkKnownKeys(scope, f, m, MOUNT_FIELDS);
      const name = checkString(scope, `${f}.name`, mount.name);
      if (!mountable.includes(name))
        invalid(scope, `${f}.name`, name, `one of the pod's volumes: ${mountable.join(', ')}`);
      const path = checkAbsolutePath(scope, `${f}.mountPath`, mount.mountPath as string);
      if (paths.has(path)) invalid(scope, `${f}.mountPath`, path, 'a path no other mount of this container uses');
      paths.add(path);
      checkOptionalBoolean(scope, `${f}.readOnly`, mount.readOnly);
    });
  if (c.resources !== undefined) {
    const resources = checkKnownKeys(scope, `${field}.resources`, c.resources, ['claims', 'limits', 'requests']);
    for (const key of ['limits', 'requests']) {
      if (resources[key] === undefined) continue;
      for (const [name, quantity] of Object.entries(checkRecord(scope, `${field}.resources.${key}`, resources[key])))
        if (typeof quantity !== 'string' && typeof quantity !== 'number')
          invalid(scope, `${field}.resources.${key}.${name}`, quantity, "a quantity as text or a number, e.g. '64Mi'");
    }
  }
  if (c.securityContext !== undefined) checkSecurity(scope, `${field}.securityContext`, c.securityContext);
  return { ...value, securityContext: { ...sidecarSecurity(), ...value.securityContext } };
}

function checkSecurity(scope: IConstruct, field: string, value: unknown): void {
  const s = checkKnownKeys(scope, field, value, SECURITY_FIELDS);
  for (const key of ['privileged', 'allowPrivilegeEscalation', 'runAsNonRoot', 'readOnlyRootFilesystem'])
    checkOptionalBoolean(scope, `${field}.${key}`, s[key]);
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
    const caps = checkKnownKeys(scope, `${field}.capabilities`, s.capabilities, ['add', 'drop']);
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
