import { Size, SizeRoundingBehavior } from 'cdk8s';
// Types from the package index; classes from their own modules: the index loads every cdk8s-plus
// construct (about 6 ms at start-up) where these need a few (the same classes the index re-exports).
import type * as kplus from 'cdk8s-plus-27';
import type { Cpu as KplusCpu } from 'cdk8s-plus-27/lib/container';
import { IConstruct } from 'constructs';
import {
  kplusContainerModule,
  kplusHandlerModule,
  kplusProbeModule,
  kplusVolumeModule,
} from '../core/cdk8s-plus-modules';
import { cpuMillicores } from '../core/cpu-quantity';
import { invalid } from '../core/errors';
import { checkImage } from '../core/image';
import { checkDnsLabel, checkPortName } from '../core/names';
import {
  checkArray,
  checkInstance,
  checkKnownKeys,
  checkOptionalBoolean,
  checkPort,
  checkRecord,
  checkSecurityId,
  checkString,
  checkStringArray,
} from '../core/types';
import { checkAbsolutePath, checkOneOf } from '../core/values';
import { ENV_NAME } from './extra-env';
import { PLAIN_PROPS } from './plain-containers';

/** The only capability Pod Security "restricted" lets a container add. */
export const ALLOWED_ADDED_CAPABILITY = 'NET_BIND_SERVICE';

/** Kubernetes names capabilities without cdk8s-plus's `CAP_` prefix (Pod Security compares the bare names). */
function bareCapability(name: string): string {
  return name.startsWith('CAP_') ? name.slice(4) : name;
}

/**
 * A rendered container's securityContext with the library's default: every capability dropped
 * unless the user's own `capabilities.drop` says otherwise; names as Kubernetes spells them.
 */
export function withDroppedCapabilities(securityContext: Record<string, any> | undefined): Record<string, unknown> {
  const capabilities = securityContext?.capabilities ?? {};
  return {
    ...securityContext,
    capabilities: {
      drop: capabilities.drop ? capabilities.drop.map(bareCapability) : ['ALL'],
      ...(capabilities.add ? { add: capabilities.add.map(bareCapability) } : {}),
    },
  };
}

// The props of plain values, then those that take cdk8s-plus values.
const KNOWN_PROPS = [
  ...PLAIN_PROPS,
  'envVariables',
  'envFrom',
  'volumeMounts',
  'readiness',
  'liveness',
  'startup',
  'lifecycle',
  'resources',
];

/**
 * Checks one cdk8s-plus container's props (`field` is e.g. `containers[0]`). cdk8s-plus renders
 * `allowPrivilegeEscalation: false`, `privileged: false`, `readOnlyRootFilesystem: true` and
 * `runAsNonRoot: true`, and the set adds `capabilities.drop: [ALL]` ({@link withDroppedCapabilities});
 * an explicit `securityContext` value of the user wins, except what Pod Security "restricted" never
 * allows: privileged containers, added capabilities other than NET_BIND_SERVICE, host ports, and
 * uid 0 while runAsNonRoot holds.
 */
export function resolveContainerProps(
  scope: IConstruct,
  field: string,
  value: kplus.ContainerProps,
  kind: { readonly init: boolean },
): kplus.ContainerProps {
  const props = checkRecord(scope, field, value);
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPS.includes(key))
      invalid(scope, `${field}.${key}`, props[key], `one of the cdk8s-plus container props: ${KNOWN_PROPS.join(', ')}`);
  }
  checkImage(scope, `${field}.image`, props.image);
  if (props.name !== undefined) checkDnsLabel(scope, `${field}.name`, props.name as string);
  for (const key of ['port', 'portNumber']) {
    if (props[key] === undefined) continue;
    checkPort(scope, `${field}.${key}`, props[key]);
    // cdk8s-plus gives that port a TCP startup probe, which Kubernetes refuses on an init container.
    if (kind.init)
      invalid(
        scope,
        `${field}.${key}`,
        props[key],
        'unset on an init container (it would get a startup probe): list the port in ports',
      );
  }
  if (props.port !== undefined && props.portNumber !== undefined)
    invalid(scope, `${field}.port`, props.port, 'unset when portNumber is set (port is its deprecated name)');
  if (props.ports !== undefined)
    checkArray(scope, `${field}.ports`, props.ports, (f, p) => checkPortProps(scope, f, p));
  checkDistinctPorts(scope, field, props);
  for (const key of ['command', 'args'])
    if (props[key] !== undefined) checkStringArray(scope, `${field}.${key}`, props[key], 0);
  if (props.workingDir !== undefined) checkAbsolutePath(scope, `${field}.workingDir`, props.workingDir as string);
  if (props.envVariables !== undefined) {
    for (const [name, env] of Object.entries(checkRecord(scope, `${field}.envVariables`, props.envVariables))) {
      if (!ENV_NAME.test(name)) invalid(scope, `${field}.envVariables key`, name, 'an environment variable name');
      checkInstance(
        scope,
        `${field}.envVariables[${JSON.stringify(name)}]`,
        env,
        kplusContainerModule().EnvValue,
        'a KplusEnvValue',
      );
    }
  }
  if (props.envFrom !== undefined)
    checkArray(scope, `${field}.envFrom`, props.envFrom, (f, e) =>
      checkInstance(scope, f, e, kplusContainerModule().EnvFrom, 'a KplusEnvFrom'),
    );
  if (props.volumeMounts !== undefined)
    checkArray(scope, `${field}.volumeMounts`, props.volumeMounts, (f, m) => checkMount(scope, f, m));
  if (props.imagePullPolicy !== undefined)
    checkOneOf(scope, `${field}.imagePullPolicy`, props.imagePullPolicy as string, ['Always', 'IfNotPresent', 'Never']);
  for (const key of ['readiness', 'liveness', 'startup']) {
    if (props[key] === undefined) continue;
    // Kubernetes refuses probes on init containers.
    if (kind.init) invalid(scope, `${field}.${key}`, '(a probe)', 'unset: init containers take no probes');
    checkInstance(scope, `${field}.${key}`, props[key], kplusProbeModule().Probe, 'a KplusProbe');
  }
  if (props.lifecycle !== undefined) {
    if (kind.init)
      invalid(scope, `${field}.lifecycle`, '(lifecycle hooks)', 'unset: init containers take no lifecycle hooks');
    const lifecycle = checkRecord(scope, `${field}.lifecycle`, props.lifecycle);
    for (const [key, handler] of Object.entries(lifecycle)) {
      checkOneOf(scope, `${field}.lifecycle.${key}`, key, ['postStart', 'preStop']);
      if (handler !== undefined)
        checkInstance(scope, `${field}.lifecycle.${key}`, handler, kplusHandlerModule().Handler, 'a KplusHandler');
    }
  }
  if (props.resources !== undefined) checkResources(scope, `${field}.resources`, props.resources);
  if (props.securityContext !== undefined)
    checkSecurityContext(scope, `${field}.securityContext`, props.securityContext);
  return copyContainerProps(props);
}

/**
 * A copy of checked props, down to the plain objects and lists (cdk8s-plus values are shared): a
 * change the caller makes to its own object afterwards must not reach the manifest unchecked, and
 * cdk8s cannot serialize an object without a prototype (Object.create(null), some config parsers),
 * which cdk8s-plus would write through as given (capabilities).
 */
function copyContainerProps(props: Record<string, any>): kplus.ContainerProps {
  const list = <T>(v: T[] | undefined): T[] | undefined => v && [...v];
  const security = props.securityContext;
  const capabilities = security?.capabilities;
  return {
    ...props,
    ports: props.ports?.map((p: object) => ({ ...p })),
    command: list(props.command),
    args: list(props.args),
    envVariables: props.envVariables && { ...props.envVariables },
    envFrom: list(props.envFrom),
    volumeMounts: props.volumeMounts?.map((m: object) => ({ ...m })),
    lifecycle: props.lifecycle && { ...props.lifecycle },
    resources:
      props.resources &&
      Object.fromEntries(Object.entries(props.resources).map(([k, v]) => [k, v && { ...(v as object) }])),
    securityContext: security && {
      ...security,
      capabilities: capabilities && { add: list(capabilities.add), drop: list(capabilities.drop) },
    },
  } as kplus.ContainerProps;
}

/** cdk8s-plus would throw a bare Error for these; the API server refuses them too. */
function checkDistinctPorts(scope: IConstruct, field: string, props: Record<string, any>): void {
  const single = props.portNumber ?? props.port;
  const ports: { number: number; name?: string; protocol?: string }[] = [
    ...(single ? [{ number: single }] : []),
    ...((props.ports as kplus.ContainerPort[] | undefined) ?? []),
  ];
  const offset = single ? 1 : 0;
  ports.forEach((port, i) => {
    const earlier = ports.slice(0, i);
    const at = `${field}.ports[${i - offset}]`;
    if (port.name !== undefined && earlier.some((e) => e.name === port.name))
      invalid(scope, `${at}.name`, port.name, 'a name no other port of the container has');
    const key = (p: typeof port) => `${p.number}/${p.protocol ?? 'TCP'}`;
    if (earlier.some((e) => key(e) === key(port)))
      invalid(scope, `${at}.number`, port.number, 'a number and protocol no other port of the container has');
  });
}

function checkPortProps(scope: IConstruct, field: string, value: unknown): void {
  const port = checkKnownKeys(scope, field, value, ['number', 'name', 'protocol', 'hostPort', 'hostIp']);
  checkPort(scope, `${field}.number`, port.number);
  if (port.name !== undefined) checkPortName(scope, `${field}.name`, port.name);
  if (port.protocol !== undefined)
    checkOneOf(scope, `${field}.protocol`, port.protocol as string, ['TCP', 'UDP', 'SCTP']);
  // Pod Security "restricted" (and "baseline") refuse host ports; a StatefulSet has a Service per pod instead.
  for (const key of ['hostPort', 'hostIp'])
    if (port[key] !== undefined)
      invalid(scope, `${field}.${key}`, port[key], 'unset: pods of this set use no host ports');
}

function checkMount(scope: IConstruct, field: string, value: unknown): void {
  const mount = checkRecord(scope, field, value);
  checkAbsolutePath(scope, `${field}.path`, mount.path as string);
  checkInstance(scope, `${field}.volume`, mount.volume, kplusVolumeModule().Volume, 'a KplusVolume');
  checkOptionalBoolean(scope, `${field}.readOnly`, mount.readOnly);
  for (const key of ['subPath', 'subPathExpr'])
    if (mount[key] !== undefined) checkString(scope, `${field}.${key}`, mount[key]);
}

function checkResources(scope: IConstruct, field: string, value: unknown): void {
  const resources = checkRecord(scope, field, value);
  for (const [key, pair] of Object.entries(resources)) {
    checkOneOf(scope, `${field}.${key}`, key, ['cpu', 'memory', 'ephemeralStorage']);
    if (pair === undefined) continue;
    const { request, limit } = checkRecord(scope, `${field}.${key}`, pair);
    const amount = (part: string, v: unknown): number | undefined => {
      if (v === undefined) return undefined;
      if (key === 'cpu') {
        const cpu = checkInstance<KplusCpu>(
          scope,
          `${field}.cpu.${part}`,
          v,
          kplusContainerModule().Cpu,
          'a KplusCpu, e.g. Cpu.millis(250)',
        );
        return cpuMillicores(scope, `${field}.cpu.${part}`, cpu.amount, part === 'limit' ? 'limit' : 'request');
      }
      const size = checkInstance(scope, `${field}.${key}.${part}`, v, Size, 'a cdk8s Size, e.g. Size.mebibytes(256)');
      return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
    };
    const requested = amount('request', request);
    const limited = amount('limit', limit);
    if (requested !== undefined && limited !== undefined && limited < requested)
      invalid(scope, `${field}.${key}.limit`, '(below the request)', `at least the ${key} request`);
  }
}

function checkSecurityContext(scope: IConstruct, field: string, value: unknown): void {
  const context = checkKnownKeys(scope, field, value, [
    'ensureNonRoot',
    'privileged',
    'readOnlyRootFilesystem',
    'allowPrivilegeEscalation',
    'user',
    'group',
    'capabilities',
  ]);
  for (const key of ['ensureNonRoot', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation'])
    checkOptionalBoolean(scope, `${field}.${key}`, context[key]);
  if (context.privileged === true)
    invalid(
      scope,
      `${field}.privileged`,
      true,
      'false or unset: Pod Security "restricted" refuses privileged containers',
    );
  for (const key of ['user', 'group'])
    if (context[key] !== undefined) checkSecurityId(scope, `${field}.${key}`, context[key]);
  if (context.user === 0 && context.ensureNonRoot !== false)
    invalid(scope, `${field}.user`, 0, 'a non-zero uid: the container must not run as root (runAsNonRoot)');
  if (context.capabilities !== undefined) {
    const capabilities = checkRecord(scope, `${field}.capabilities`, context.capabilities);
    for (const key of Object.keys(capabilities))
      checkOneOf(scope, `${field}.capabilities.${key}`, key, ['add', 'drop']);
    if (capabilities.drop !== undefined) checkStringArray(scope, `${field}.capabilities.drop`, capabilities.drop);
    if (capabilities.add !== undefined) {
      checkStringArray(scope, `${field}.capabilities.add`, capabilities.add).forEach((c, i) => {
        if (bareCapability(c) !== ALLOWED_ADDED_CAPABILITY)
          invalid(
            scope,
            `${field}.capabilities.add[${i}]`,
            c,
            `${ALLOWED_ADDED_CAPABILITY} only: Pod Security "restricted" refuses other capabilities`,
          );
      });
    }
  }
}
