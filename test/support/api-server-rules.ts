/**
 * What the Kubernetes API server (1.33) refuses that the JSON schemas behind `manifestProblems` do not
 * express: names per kind, label and annotation keys, container and port names, port ranges, volume
 * and mount references, environment variable names, security ids, ConfigMap and Secret keys and
 * sizes, CronJob schedules and time zones, and requests above limits. Each rule follows the API
 * server's validation (k8s.io/kubernetes pkg/apis/core/validation and friends); where a value would
 * pass the API server but break the controller that acts on it (a StatefulSet name too long for its
 * pods' revision label), the rule says so. Rules that exist in lib/core are called, not copied.
 */
import { AksStatefulValidationError } from '../../lib/core/errors';
import { checkCronSchedule, checkTimeZone } from '../../lib/core/cron';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue } from '../../lib/core/names';
import { podSpecsOf } from './pod-security';
import { childPath, type FieldProblem } from './problem-format';

type Json = Record<string, any>;

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** What a core check allows, when it refuses the value; undefined when it accepts it. */
function refusedBy(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof AksStatefulValidationError) return error.allowed;
    throw error;
  }
}

const dnsLabel = (value: unknown, maxLength = 63) => refusedBy(() => checkDnsLabel('', '', value as string, maxLength));
const dnsSubdomain = (value: unknown) => refusedBy(() => checkDnsSubdomain('', '', value as string));

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
function dns1035Label(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 63 && DNS_1035_LABEL.test(value)
    ? undefined
    : "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters";
}

/** RBAC names are path segments: anything but `.`, `..` and names containing `/` or `%`. */
function pathSegment(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '.' && value !== '..' && !/[/%]/.test(value) && value.length > 0
    ? undefined
    : "a path segment name: not '.' or '..', without '/' or '%'";
}

/**
 * The name rule of each kind; every other kind's name is a DNS-1123 subdomain.
 * - Service: DNS-1035 label (it becomes a DNS name and environment variable prefix).
 * - Namespace: DNS-1123 label.
 * - StatefulSet: the API server takes a subdomain, but each pod is named `<name>-<ordinal>` and used
 *   as its hostname (a DNS label), and the controller labels revisions `<name>-<10-character hash>`
 *   (a label value of at most 63): so a DNS-1123 label of at most 52 characters.
 * - CronJob: at most 52 characters (the API server reserves 11 for the Job name suffix).
 * - Job: at most 63 characters (the API server copies the name into the `job-name` pod label).
 */
const NAME_RULES: Readonly<Record<string, (name: unknown) => string | undefined>> = {
  Service: dns1035Label,
  Namespace: (n) => dnsLabel(n),
  StatefulSet: (n) => dnsLabel(n, 52),
  CronJob: (n) => dnsSubdomain(n) ?? (String(n).length > 52 ? 'at most 52 characters' : undefined),
  Job: (n) => dnsSubdomain(n) ?? (String(n).length > 63 ? 'at most 63 characters' : undefined),
  Role: pathSegment,
  ClusterRole: pathSegment,
  RoleBinding: pathSegment,
  ClusterRoleBinding: pathSegment,
};

function problem(path: string, message: string): FieldProblem {
  return { path, message };
}

// ---- metadata ----

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function labelProblems(labels: unknown, path: string): FieldProblem[] {
  return Object.entries(record(labels) ?? {}).flatMap(([key, value]) => {
    const found: FieldProblem[] = [];
    const badKey = refusedBy(() => checkLabelKey('', '', key));
    if (badKey) found.push(problem(childPath(path, key), `label key ${JSON.stringify(key)} is not ${badKey}`));
    const badValue = refusedBy(() => checkLabelValue('', '', value as string));
    if (badValue) found.push(problem(childPath(path, key), `label value ${JSON.stringify(value)} is not ${badValue}`));
    return found;
  });
}

function annotationProblems(annotations: unknown, path: string): FieldProblem[] {
  const entries = Object.entries(record(annotations) ?? {});
  const found = entries.flatMap(([key]) => {
    const badKey = refusedBy(() => checkLabelKey('', '', key));
    return badKey ? [problem(childPath(path, key), `annotation key ${JSON.stringify(key)} is not ${badKey}`)] : [];
  });
  const size = entries.reduce((sum, [k, v]) => sum + utf8Bytes(k) + utf8Bytes(String(v)), 0);
  if (size > ANNOTATIONS_MAX_BYTES) found.push(problem(path, `annotations total ${size} bytes, more than 256 KiB`));
  return found;
}

function metadataProblems(metadata: unknown, path: string): FieldProblem[] {
  const meta = record(metadata) ?? {};
  return [
    ...labelProblems(meta['labels'], childPath(path, 'labels')),
    ...annotationProblems(meta['annotations'], childPath(path, 'annotations')),
  ];
}

function objectMetadataProblems(object: Json): FieldProblem[] {
  const meta = record(object['metadata']) ?? {};
  const found: FieldProblem[] = [];
  const name = meta['name'];
  if (name !== undefined) {
    const rule = NAME_RULES[String(object['kind'])] ?? dnsSubdomain;
    const bad = rule(name);
    if (bad) found.push(problem('metadata.name', `${JSON.stringify(name)} is not ${bad}`));
  }
  if (meta['namespace'] !== undefined) {
    const bad = dnsLabel(meta['namespace']);
    if (bad) found.push(problem('metadata.namespace', `${JSON.stringify(meta['namespace'])} is not ${bad}`));
  }
  found.push(...metadataProblems(meta, 'metadata'));
  const spec = record(object['spec']) ?? {};
  found.push(...labelProblems(record(spec['selector'])?.['matchLabels'], 'spec.selector.matchLabels'));
  if (object['kind'] === 'Service') found.push(...labelProblems(spec['selector'], 'spec.selector'));
  return found;
}

// ---- ports ----

/** IANA_SVC_NAME: at most 15 lowercase letters, digits and single inner hyphens, with at least one letter. */
export function ianaServiceNameProblem(value: unknown): string | undefined {
  const ok =
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 15 &&
    /^[-a-z0-9]+$/.test(value) &&
    /[a-z]/.test(value) &&
    !value.startsWith('-') &&
    !value.endsWith('-') &&
    !value.includes('--');
  return ok
    ? undefined
    : "an IANA service name: at most 15 lowercase letters, digits and '-', with a letter, no '-' at either end or twice in a row";
}

const isPortNumber = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;

function portNumberProblem(value: unknown, path: string): FieldProblem[] {
  return isPortNumber(value) ? [] : [problem(path, `${JSON.stringify(value)} is not a port number 1-65535`)];
}

/** A port given as a number (1-65535) or a name (IANA_SVC_NAME), as probes and Service targetPorts take it. */
function portOrNameProblem(value: unknown, path: string): FieldProblem[] {
  if (typeof value === 'number') return portNumberProblem(value, path);
  const bad = ianaServiceNameProblem(value);
  return bad ? [problem(path, `${JSON.stringify(value)} is not a port number 1-65535 or ${bad}`)] : [];
}

function handlerProblems(handler: unknown, path: string): FieldProblem[] {
  const h = record(handler) ?? {};
  return [
    ...(record(h['httpGet']) ? portOrNameProblem(h['httpGet']['port'], `${path}.httpGet.port`) : []),
    ...(record(h['tcpSocket']) ? portOrNameProblem(h['tcpSocket']['port'], `${path}.tcpSocket.port`) : []),
    ...(record(h['grpc']) ? portNumberProblem(h['grpc']['port'], `${path}.grpc.port`) : []),
  ];
}

function servicePortProblems(spec: Json): FieldProblem[] {
  const ports = list(spec['ports']);
  const names = new Set<string>();
  return ports.flatMap((raw, i) => {
    const port = record(raw) ?? {};
    const path = `spec.ports[${i}]`;
    const found = [...portNumberProblem(port['port'], `${path}.port`)];
    if (port['targetPort'] !== undefined) found.push(...portOrNameProblem(port['targetPort'], `${path}.targetPort`));
    if (port['nodePort'] !== undefined) found.push(...portNumberProblem(port['nodePort'], `${path}.nodePort`));
    const name = port['name'];
    if (name === undefined || name === '') {
      if (ports.length > 1) found.push(problem(`${path}.name`, 'a Service with several ports must name each'));
    } else {
      const bad = dnsLabel(name);
      if (bad) found.push(problem(`${path}.name`, `${JSON.stringify(name)} is not ${bad}`));
      if (names.has(String(name))) found.push(problem(`${path}.name`, `duplicate port name ${JSON.stringify(name)}`));
      names.add(String(name));
    }
    return found;
  });
}

// ---- pods ----

const SECURITY_ID_MAX = 2 ** 31 - 1;

function securityIdProblems(context: unknown, path: string, fields: readonly string[]): FieldProblem[] {
  const c = record(context) ?? {};
  const ids = fields.flatMap((field) => {
    if (field === 'supplementalGroups') return list(c[field]).map((v, i) => [`${path}.${field}[${i}]`, v] as const);
    return c[field] === undefined ? [] : [[`${path}.${field}`, c[field]] as const];
  });
  return ids.flatMap(([p, v]) =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= SECURITY_ID_MAX
      ? []
      : [problem(p, `${JSON.stringify(v)} is not an integer 0-2147483647`)],
  );
}

/**
 * Environment variable names as Kubernetes 1.33 accepts them (RelaxedEnvironmentVariableValidation,
 * on by default since 1.32): one or more printable ASCII characters other than '='.
 */
function envNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && /^[\x20-\x3c\x3e-\x7e]+$/.test(name)
    ? undefined
    : "an environment variable name: printable ASCII characters other than '='";
}

/** A resource quantity in base units (cores, bytes), or undefined when it is not a Kubernetes quantity. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.exec(value);
  if (!match) return undefined;
  const BINARY = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix === '') return number;
  if (BINARY.includes(suffix)) return number * 1024 ** (BINARY.indexOf(suffix) + 1);
  if (suffix in DECIMAL) return number * 10 ** DECIMAL[suffix]!;
  return number * 10 ** Number(suffix.slice(1));
}

function resourceProblems(resources: unknown, path: string): FieldProblem[] {
  const r = record(resources) ?? {};
  const requests = record(r['requests']) ?? {};
  const limits = record(r['limits']) ?? {};
  const found: FieldProblem[] = [];
  for (const [kind, values] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    for (const [name, value] of Object.entries(values)) {
      if (quantityValue(value) === undefined) {
        found.push(problem(childPath(`${path}.${kind}`, name), `${JSON.stringify(value)} is not a quantity`));
      }
    }
  }
  for (const [name, request] of Object.entries(requests)) {
    if (!(name in limits)) continue;
    const [req, lim] = [quantityValue(request), quantityValue(limits[name])];
    if (req !== undefined && lim !== undefined && req > lim) {
      found.push(
        problem(
          childPath(`${path}.requests`, name),
          `request ${JSON.stringify(request)} is more than the limit ${JSON.stringify(limits[name])}`,
        ),
      );
    }
  }
  return found;
}

/** subPath: a relative path that does not step out of the volume. */
function subPathProblem(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  return text.startsWith('/') || text.split('/').includes('..') ? "a relative path without '..' segments" : undefined;
}

function containerProblems(
  container: Json,
  path: string,
  volumes: ReadonlySet<string>,
  names: Set<string>,
): FieldProblem[] {
  const found: FieldProblem[] = [];
  const name = container['name'];
  const badName = dnsLabel(name);
  if (badName) found.push(problem(`${path}.name`, `${JSON.stringify(name)} is not ${badName}`));
  if (names.has(String(name))) {
    found.push(
      problem(
        `${path}.name`,
        `duplicate container name ${JSON.stringify(name)} (containers and init containers share names)`,
      ),
    );
  }
  names.add(String(name));

  const portNames = new Set<string>();
  list(container['ports']).forEach((raw, i) => {
    const port = record(raw) ?? {};
    found.push(...portNumberProblem(port['containerPort'], `${path}.ports[${i}].containerPort`));
    if (port['hostPort'] !== undefined && port['hostPort'] !== 0) {
      found.push(...portNumberProblem(port['hostPort'], `${path}.ports[${i}].hostPort`));
    }
    if (port['name'] !== undefined) {
      const bad = ianaServiceNameProblem(port['name']);
      if (bad) found.push(problem(`${path}.ports[${i}].name`, `${JSON.stringify(port['name'])} is not ${bad}`));
      if (portNames.has(String(port['name']))) {
        found.push(problem(`${path}.ports[${i}].name`, `duplicate port name ${JSON.stringify(port['name'])}`));
      }
      portNames.add(String(port['name']));
    }
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (record(container[probe])) found.push(...handlerProblems(container[probe], `${path}.${probe}`));
  }
  for (const hook of ['postStart', 'preStop']) {
    const handler = record(container['lifecycle'])?.[hook];
    if (record(handler)) found.push(...handlerProblems(handler, `${path}.lifecycle.${hook}`));
  }

  const mountPaths = new Map<string, string>();
  list(container['volumeMounts']).forEach((raw, i) => {
    const mount = record(raw) ?? {};
    const at = `${path}.volumeMounts[${i}]`;
    if (!volumes.has(String(mount['name']))) {
      found.push(problem(`${at}.name`, `no volume named ${JSON.stringify(mount['name'])} in the pod`));
    }
    const mountPath = String(mount['mountPath']);
    if (mountPaths.has(mountPath)) {
      found.push(
        problem(`${at}.mountPath`, `${JSON.stringify(mountPath)} is already mounted by ${mountPaths.get(mountPath)}`),
      );
    } else {
      mountPaths.set(mountPath, at);
    }
    const badSubPath = subPathProblem(mount['subPath']);
    if (badSubPath) found.push(problem(`${at}.subPath`, `${JSON.stringify(mount['subPath'])} is not ${badSubPath}`));
  });
  const devicePaths = new Set<string>();
  list(container['volumeDevices']).forEach((raw, i) => {
    const device = record(raw) ?? {};
    const at = `${path}.volumeDevices[${i}]`;
    if (!volumes.has(String(device['name']))) {
      found.push(problem(`${at}.name`, `no volume named ${JSON.stringify(device['name'])} in the pod`));
    }
    const devicePath = String(device['devicePath']);
    if (devicePaths.has(devicePath) || mountPaths.has(devicePath)) {
      found.push(
        problem(`${at}.devicePath`, `${JSON.stringify(devicePath)} is already used by another mount or device`),
      );
    }
    devicePaths.add(devicePath);
  });

  list(container['env']).forEach((raw, i) => {
    const bad = envNameProblem(record(raw)?.['name']);
    if (bad) found.push(problem(`${path}.env[${i}].name`, `${JSON.stringify(record(raw)?.['name'])} is not ${bad}`));
  });
  found.push(
    ...securityIdProblems(container['securityContext'], `${path}.securityContext`, ['runAsUser', 'runAsGroup']),
  );
  found.push(...resourceProblems(container['resources'], `${path}.resources`));
  return found;
}

/** Problems of one pod spec; `extraVolumes` are the names a StatefulSet's claim templates add. */
export function podSpecProblems(spec: Json, path: string, extraVolumes: readonly string[] = []): FieldProblem[] {
  const found: FieldProblem[] = [];
  const volumes = new Set<string>(extraVolumes);
  list(spec['volumes']).forEach((raw, i) => {
    const name = record(raw)?.['name'];
    const bad = dnsLabel(name);
    if (bad) found.push(problem(`${path}.volumes[${i}].name`, `${JSON.stringify(name)} is not ${bad}`));
    if (volumes.has(String(name))) {
      found.push(problem(`${path}.volumes[${i}].name`, `duplicate volume name ${JSON.stringify(name)}`));
    }
    volumes.add(String(name));
  });
  const containerNames = new Set<string>();
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[field]).forEach((raw, i) => {
      found.push(...containerProblems(record(raw) ?? {}, `${path}.${field}[${i}]`, volumes, containerNames));
    });
  }
  // Kubernetes refuses probes and lifecycle hooks on an init container unless it is a sidecar
  // (restartPolicy Always).
  list(spec['initContainers']).forEach((raw, i) => {
    const init = record(raw) ?? {};
    if (init['restartPolicy'] === 'Always') return;
    for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'])
      if (init[key] !== undefined)
        found.push(
          problem(
            `${path}.initContainers[${i}].${key}`,
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
  });
  found.push(
    ...securityIdProblems(spec['securityContext'], `${path}.securityContext`, [
      'runAsUser',
      'runAsGroup',
      'fsGroup',
      'supplementalGroups',
    ]),
  );
  return found;
}

function claimTemplateNames(object: Json): string[] {
  if (object['kind'] !== 'StatefulSet') return [];
  return list(record(object['spec'])?.['volumeClaimTemplates']).map((t) =>
    String(record(record(t)?.['metadata'])?.['name']),
  );
}

function claimTemplateProblems(object: Json): FieldProblem[] {
  if (object['kind'] !== 'StatefulSet') return [];
  return list(record(object['spec'])?.['volumeClaimTemplates']).flatMap((t, i) => {
    const meta = record(record(t)?.['metadata']) ?? {};
    const path = `spec.volumeClaimTemplates[${i}].metadata`;
    const bad = dnsLabel(meta['name']);
    return [
      ...(bad
        ? [problem(`${path}.name`, `${JSON.stringify(meta['name'])} is not ${bad} (it names a pod volume)`)]
        : []),
      ...metadataProblems(meta, path),
    ];
  });
}

// ---- ConfigMaps, Secrets, CronJobs ----

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const DATA_MAX_BYTES = 1024 * 1024;

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function dataKeyProblem(key: string): string | undefined {
  return DATA_KEY.test(key) && key !== '.' && key !== '..' && key.length <= 253
    ? undefined
    : "a data key: at most 253 letters, digits, '-', '_' or '.', and not '.' or '..'";
}

/** ConfigMap `data`/`binaryData` and Secret `data`/`stringData`: keys, keys in two maps, total size. */
function dataProblems(object: Json): FieldProblem[] {
  const isSecret = object['kind'] === 'Secret';
  const maps = isSecret ? (['data', 'stringData'] as const) : (['data', 'binaryData'] as const);
  const found: FieldProblem[] = [];
  const seen = new Set<string>();
  let size = 0;
  for (const field of maps) {
    for (const [key, value] of Object.entries(record(object[field]) ?? {})) {
      const bad = dataKeyProblem(key);
      if (bad) found.push(problem(childPath(field, key), `key ${JSON.stringify(key)} is not ${bad}`));
      // A Secret's stringData key overwrites its data key; a ConfigMap key in both maps is refused.
      if (seen.has(key) && !isSecret) {
        found.push(problem(childPath(field, key), `key ${JSON.stringify(key)} is in both data and binaryData`));
      }
      seen.add(key);
      // ConfigMap data and Secret stringData are text; ConfigMap binaryData and Secret data are base64.
      const text = String(value);
      const base64 = field === 'binaryData' || (isSecret && field === 'data');
      size += base64 ? Buffer.from(text, 'base64').length : utf8Bytes(text);
    }
  }
  if (size > DATA_MAX_BYTES) {
    found.push(problem('', `${object['kind']} data totals ${size} bytes, more than 1 MiB (1048576)`));
  }
  return found;
}

function cronJobProblems(object: Json): FieldProblem[] {
  const spec = record(object['spec']) ?? {};
  const found: FieldProblem[] = [];
  const schedule = refusedBy(() => checkCronSchedule('', '', spec['schedule']));
  if (schedule) found.push(problem('spec.schedule', `${JSON.stringify(spec['schedule'])} is not ${schedule}`));
  if (spec['timeZone'] !== undefined) {
    const zone = refusedBy(() => checkTimeZone('', '', spec['timeZone']));
    if (zone) found.push(problem('spec.timeZone', `${JSON.stringify(spec['timeZone'])} is not ${zone}`));
  }
  return found;
}

/** Every problem the API server (or the controller acting on the object) would have with it. */
export function apiServerProblems(object: unknown): FieldProblem[] {
  const o = record(object);
  if (!o) return [];
  const kind = o['kind'];
  const found = [...objectMetadataProblems(o), ...claimTemplateProblems(o)];
  for (const pod of podSpecsOf(o)) {
    const at = pod.templatePath ? `${pod.templatePath}.spec` : 'spec';
    if (pod.templatePath) found.push(...metadataProblems(pod.metadata, `${pod.templatePath}.metadata`));
    found.push(...podSpecProblems(pod.spec, at, claimTemplateNames(o)));
  }
  if (kind === 'Service') found.push(...servicePortProblems(record(o['spec']) ?? {}));
  if (kind === 'ConfigMap' || kind === 'Secret') found.push(...dataProblems(o));
  if (kind === 'CronJob') found.push(...cronJobProblems(o));
  return found;
}
