/**
 * The Pod Security Standards (Baseline and Restricted) as the Pod Security admission plugin of
 * Kubernetes 1.33 evaluates them at policy version `latest`: the same fields, the same allowed
 * values and the same pod-level / container-level inheritance (initContainers, containers and
 * ephemeralContainers alike). Written from the published standard and the plugin's checks
 * (k8s.io/pod-security-admission/policy), one function per check, each named by the plugin's check id.
 *
 * What 1.33 does not do, and neither does this file: relax runAsNonRoot, runAsUser and procMount for
 * pods with `hostUsers: false` (behind the alpha UserNamespacesPodSecurityStandards gate until policy
 * version 1.34). The seccomp annotations are ignored, as they are at every policy version since 1.19.
 */
import { POD_TEMPLATE_PATHS } from '../../lib/core/pod-template';

/** The three levels, from the most to the least permissive. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** One way a pod fails a level: the check id, where (relative to the pod: `spec.…`, `metadata.…`) and why. */
export interface PodSecurityViolation {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, any>;

interface ContainerAt {
  readonly path: string;
  readonly name: string;
  readonly securityContext: Json | undefined;
  readonly container: Json;
}

interface Check {
  readonly rule: string;
  readonly level: 'baseline' | 'restricted';
  readonly run: (spec: Json, metadata: Json) => PodSecurityViolation[];
}

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every container of the pod, in the plugin's order: init containers, containers, ephemeral containers. */
function containersOf(spec: Json): ContainerAt[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    list(spec[field]).map((raw, i) => {
      const container = record(raw) ?? {};
      return {
        path: `spec.${field}[${i}]`,
        name: String(container['name'] ?? `#${i}`),
        securityContext: record(container['securityContext']),
        container,
      };
    }),
  );
}

const podContext = (spec: Json): Json | undefined => record(spec['securityContext']);
const isWindows = (spec: Json): boolean => record(spec['os'])?.['name'] === 'windows';

function violation(rule: string, path: string, message: string): PodSecurityViolation {
  return { rule, path, message };
}

// ---- Baseline ----

/** Windows HostProcess containers have privileged access to the host. */
function hostProcess(spec: Json): PodSecurityViolation[] {
  const found: PodSecurityViolation[] = [];
  if (record(podContext(spec)?.['windowsOptions'])?.['hostProcess'] === true) {
    found.push(violation('hostProcess', 'spec.securityContext.windowsOptions.hostProcess', 'must not be true'));
  }
  for (const c of containersOf(spec)) {
    if (record(c.securityContext?.['windowsOptions'])?.['hostProcess'] === true) {
      found.push(
        violation(
          'hostProcess',
          `${c.path}.securityContext.windowsOptions.hostProcess`,
          `container "${c.name}" must not be a HostProcess container`,
        ),
      );
    }
  }
  return found;
}

/** Sharing the host's network, PID or IPC namespace. */
function hostNamespaces(spec: Json): PodSecurityViolation[] {
  return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((field) => spec[field] === true)
    .map((field) => violation('hostNamespaces', `spec.${field}`, `${field}=true shares the host's namespace`));
}

function privileged(spec: Json): PodSecurityViolation[] {
  return containersOf(spec)
    .filter((c) => c.securityContext?.['privileged'] === true)
    .map((c) =>
      violation('privileged', `${c.path}.securityContext.privileged`, `container "${c.name}" must not be privileged`),
    );
}

/** The capabilities a container runtime grants by default: the only ones Baseline lets a container add. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const addedCapabilities = (c: ContainerAt): unknown[] => list(record(c.securityContext?.['capabilities'])?.['add']);

function capabilitiesBaseline(spec: Json): PodSecurityViolation[] {
  return containersOf(spec).flatMap((c) =>
    addedCapabilities(c).flatMap((cap, i) =>
      typeof cap === 'string' && BASELINE_CAPABILITIES.has(cap)
        ? []
        : [
            violation(
              'capabilities_baseline',
              `${c.path}.securityContext.capabilities.add[${i}]`,
              `container "${c.name}" must not add ${JSON.stringify(cap)} (beyond the runtime's default set)`,
            ),
          ],
    ),
  );
}

function hostPathVolumes(spec: Json): PodSecurityViolation[] {
  return list(spec['volumes']).flatMap((v, i) =>
    record(v)?.['hostPath'] !== undefined
      ? [violation('hostPathVolumes', `spec.volumes[${i}].hostPath`, `volume "${record(v)?.['name']}" is a hostPath`)]
      : [],
  );
}

function hostPorts(spec: Json): PodSecurityViolation[] {
  return containersOf(spec).flatMap((c) =>
    list(c.container['ports']).flatMap((p, i) => {
      const hostPort = record(p)?.['hostPort'];
      return hostPort === undefined || hostPort === 0
        ? []
        : [violation('hostPorts', `${c.path}.ports[${i}].hostPort`, `container "${c.name}" must not use hostPort`)];
    }),
  );
}

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorProfile(spec: Json, metadata: Json): PodSecurityViolation[] {
  const found: PodSecurityViolation[] = [];
  for (const [key, value] of Object.entries(record(metadata['annotations']) ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const text = String(value);
    if (text === '' || text === 'runtime/default' || text.startsWith('localhost/')) continue;
    found.push(
      violation(
        'appArmorProfile',
        `metadata.annotations[${JSON.stringify(key)}]`,
        `AppArmor profile ${JSON.stringify(text)} is not runtime/default or localhost/*`,
      ),
    );
  }
  const bad = (context: Json | undefined): unknown => {
    const profile = record(context?.['appArmorProfile']);
    const type = profile?.['type'];
    return profile === undefined || type === 'RuntimeDefault' || type === 'Localhost' ? undefined : type;
  };
  const pod = bad(podContext(spec));
  if (pod !== undefined) {
    found.push(
      violation(
        'appArmorProfile',
        'spec.securityContext.appArmorProfile.type',
        `pod must not set AppArmor profile type ${JSON.stringify(pod)}`,
      ),
    );
  }
  for (const c of containersOf(spec)) {
    const type = bad(c.securityContext);
    if (type !== undefined) {
      found.push(
        violation(
          'appArmorProfile',
          `${c.path}.securityContext.appArmorProfile.type`,
          `container "${c.name}" must not set AppArmor profile type ${JSON.stringify(type)}`,
        ),
      );
    }
  }
  return found;
}

/** SELinux types Baseline allows (container_engine_t since policy version 1.31). */
export const SELINUX_TYPES: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);

function seLinuxOptions(spec: Json): PodSecurityViolation[] {
  const check = (context: Json | undefined, path: string, who: string): PodSecurityViolation[] => {
    const options = record(context?.['seLinuxOptions']);
    if (!options) return [];
    const found: PodSecurityViolation[] = [];
    const type = options['type'] ?? '';
    if (!SELINUX_TYPES.has(String(type))) {
      found.push(violation('seLinuxOptions', `${path}.seLinuxOptions.type`, `${who} sets SELinux type "${type}"`));
    }
    for (const field of ['user', 'role'] as const) {
      if (typeof options[field] === 'string' && options[field].length > 0) {
        found.push(violation('seLinuxOptions', `${path}.seLinuxOptions.${field}`, `${who} must not set ${field}`));
      }
    }
    return found;
  };
  return [
    ...check(podContext(spec), 'spec.securityContext', 'pod'),
    ...containersOf(spec).flatMap((c) =>
      check(c.securityContext, `${c.path}.securityContext`, `container "${c.name}"`),
    ),
  ];
}

function procMount(spec: Json): PodSecurityViolation[] {
  return containersOf(spec).flatMap((c) => {
    const value = c.securityContext?.['procMount'];
    return value === undefined || value === 'Default'
      ? []
      : [
          violation(
            'procMount',
            `${c.path}.securityContext.procMount`,
            `container "${c.name}" must not set procMount ${JSON.stringify(value)}`,
          ),
        ];
  });
}

const seccompType = (context: Json | undefined): unknown => record(context?.['seccompProfile'])?.['type'];

function seccompBaseline(spec: Json): PodSecurityViolation[] {
  const found: PodSecurityViolation[] = [];
  if (seccompType(podContext(spec)) === 'Unconfined') {
    found.push(
      violation('seccompProfile_baseline', 'spec.securityContext.seccompProfile.type', 'must not be Unconfined'),
    );
  }
  for (const c of containersOf(spec)) {
    if (seccompType(c.securityContext) === 'Unconfined') {
      found.push(
        violation(
          'seccompProfile_baseline',
          `${c.path}.securityContext.seccompProfile.type`,
          `container "${c.name}" must not be Unconfined`,
        ),
      );
    }
  }
  return found;
}

/** The sysctls Baseline allows: namespaced and isolated from other pods (the list as of policy version 1.32). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

function sysctls(spec: Json): PodSecurityViolation[] {
  return list(podContext(spec)?.['sysctls']).flatMap((s, i) => {
    const name = record(s)?.['name'];
    return typeof name === 'string' && SAFE_SYSCTLS.has(name)
      ? []
      : [violation('sysctls', `spec.securityContext.sysctls[${i}].name`, `sysctl ${JSON.stringify(name)} is not safe`)];
  });
}

// ---- Restricted ----

/** Volume sources Restricted allows (image volumes since 1.33); any other source is forbidden. */
export const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function restrictedVolumes(spec: Json): PodSecurityViolation[] {
  return list(spec['volumes']).flatMap((v, i) => {
    const volume = record(v) ?? {};
    const sources = Object.keys(volume).filter((k) => k !== 'name' && volume[k] !== undefined);
    // A volume naming no source is defaulted to emptyDir before admission sees it.
    if (sources.length === 0 || sources.some((s) => RESTRICTED_VOLUME_SOURCES.has(s))) return [];
    return [
      violation(
        'restrictedVolumes',
        `spec.volumes[${i}]`,
        `volume "${volume['name']}" has restricted type ${sources.join(', ')}`,
      ),
    ];
  });
}

function allowPrivilegeEscalation(spec: Json): PodSecurityViolation[] {
  if (isWindows(spec)) return [];
  return containersOf(spec)
    .filter((c) => c.securityContext?.['allowPrivilegeEscalation'] !== false)
    .map((c) =>
      violation(
        'allowPrivilegeEscalation',
        `${c.path}.securityContext.allowPrivilegeEscalation`,
        `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`,
      ),
    );
}

function runAsNonRoot(spec: Json): PodSecurityViolation[] {
  const found: PodSecurityViolation[] = [];
  const pod = podContext(spec)?.['runAsNonRoot'];
  if (pod === false) {
    found.push(violation('runAsNonRoot', 'spec.securityContext.runAsNonRoot', 'pod must not set runAsNonRoot=false'));
  }
  for (const c of containersOf(spec)) {
    const own = c.securityContext?.['runAsNonRoot'];
    if (own === false) {
      found.push(
        violation(
          'runAsNonRoot',
          `${c.path}.securityContext.runAsNonRoot`,
          `container "${c.name}" must not set runAsNonRoot=false`,
        ),
      );
    } else if (own === undefined && pod !== true) {
      found.push(
        violation(
          'runAsNonRoot',
          `${c.path}.securityContext.runAsNonRoot`,
          `pod or container "${c.name}" must set securityContext.runAsNonRoot=true`,
        ),
      );
    }
  }
  return found;
}

function runAsUser(spec: Json): PodSecurityViolation[] {
  const found: PodSecurityViolation[] = [];
  if (podContext(spec)?.['runAsUser'] === 0) {
    found.push(violation('runAsUser', 'spec.securityContext.runAsUser', 'pod must not set runAsUser=0'));
  }
  for (const c of containersOf(spec)) {
    if (c.securityContext?.['runAsUser'] === 0) {
      found.push(
        violation('runAsUser', `${c.path}.securityContext.runAsUser`, `container "${c.name}" must not set runAsUser=0`),
      );
    }
  }
  return found;
}

const RESTRICTED_SECCOMP = new Set(['RuntimeDefault', 'Localhost']);

function seccompRestricted(spec: Json): PodSecurityViolation[] {
  if (isWindows(spec)) return [];
  const found: PodSecurityViolation[] = [];
  const podProfile = record(podContext(spec)?.['seccompProfile']);
  const podSet = podProfile !== undefined && RESTRICTED_SECCOMP.has(String(podProfile['type']));
  if (podProfile !== undefined && !podSet) {
    found.push(
      violation(
        'seccompProfile_restricted',
        'spec.securityContext.seccompProfile.type',
        `pod must not set seccompProfile.type ${JSON.stringify(podProfile['type'])}`,
      ),
    );
  }
  for (const c of containersOf(spec)) {
    const own = record(c.securityContext?.['seccompProfile']);
    if (own !== undefined && !RESTRICTED_SECCOMP.has(String(own['type']))) {
      found.push(
        violation(
          'seccompProfile_restricted',
          `${c.path}.securityContext.seccompProfile.type`,
          `container "${c.name}" must not set seccompProfile.type ${JSON.stringify(own['type'])}`,
        ),
      );
    } else if (own === undefined && !podSet) {
      found.push(
        violation(
          'seccompProfile_restricted',
          `${c.path}.securityContext.seccompProfile.type`,
          `pod or container "${c.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        ),
      );
    }
  }
  return found;
}

function capabilitiesRestricted(spec: Json): PodSecurityViolation[] {
  if (isWindows(spec)) return [];
  return containersOf(spec).flatMap((c) => {
    const found: PodSecurityViolation[] = [];
    const capabilities = record(c.securityContext?.['capabilities']);
    if (!list(capabilities?.['drop']).includes('ALL')) {
      found.push(
        violation(
          'capabilities_restricted',
          `${c.path}.securityContext.capabilities.drop`,
          `container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`,
        ),
      );
    }
    addedCapabilities(c).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') {
        found.push(
          violation(
            'capabilities_restricted',
            `${c.path}.securityContext.capabilities.add[${i}]`,
            `container "${c.name}" must not add ${JSON.stringify(cap)} (only NET_BIND_SERVICE)`,
          ),
        );
      }
    });
    return found;
  });
}

/** Every check of the standard, Baseline first. */
export const POD_SECURITY_CHECKS: readonly Check[] = [
  { rule: 'hostProcess', level: 'baseline', run: hostProcess },
  { rule: 'hostNamespaces', level: 'baseline', run: hostNamespaces },
  { rule: 'privileged', level: 'baseline', run: privileged },
  { rule: 'capabilities_baseline', level: 'baseline', run: capabilitiesBaseline },
  { rule: 'hostPathVolumes', level: 'baseline', run: hostPathVolumes },
  { rule: 'hostPorts', level: 'baseline', run: hostPorts },
  { rule: 'appArmorProfile', level: 'baseline', run: appArmorProfile },
  { rule: 'seLinuxOptions', level: 'baseline', run: seLinuxOptions },
  { rule: 'procMount', level: 'baseline', run: procMount },
  { rule: 'seccompProfile_baseline', level: 'baseline', run: seccompBaseline },
  { rule: 'sysctls', level: 'baseline', run: sysctls },
  { rule: 'restrictedVolumes', level: 'restricted', run: restrictedVolumes },
  { rule: 'allowPrivilegeEscalation', level: 'restricted', run: allowPrivilegeEscalation },
  { rule: 'runAsNonRoot', level: 'restricted', run: runAsNonRoot },
  { rule: 'runAsUser', level: 'restricted', run: runAsUser },
  { rule: 'seccompProfile_restricted', level: 'restricted', run: seccompRestricted },
  { rule: 'capabilities_restricted', level: 'restricted', run: capabilitiesRestricted },
];

/**
 * What keeps a pod from `level` (Restricted includes every Baseline check; Privileged has none).
 * `metadata` is the pod's (or template's) metadata: AppArmor annotations live there.
 */
export function podSecurityViolations(
  podSpec: unknown,
  level: PodSecurityLevel,
  metadata: unknown = {},
): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const spec = record(podSpec) ?? {};
  const meta = record(metadata) ?? {};
  return POD_SECURITY_CHECKS.filter((c) => level === 'restricted' || c.level === 'baseline').flatMap((c) =>
    c.run(spec, meta),
  );
}

/** The strictest level the pod meets. */
export function podSecurityLevel(podSpec: unknown, metadata: unknown = {}): PodSecurityLevel {
  if (podSecurityViolations(podSpec, 'restricted', metadata).length === 0) return 'restricted';
  if (podSecurityViolations(podSpec, 'baseline', metadata).length === 0) return 'baseline';
  return 'privileged';
}

/** The order of the levels, for "the least strict of these". */
export const LEVEL_ORDER: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The least strict of the levels (restricted for none): what a namespace holding all those pods can enforce. */
export function leastStrict(levels: readonly PodSecurityLevel[]): PodSecurityLevel {
  return levels.reduce<PodSecurityLevel>(
    (lowest, level) => (LEVEL_ORDER.indexOf(level) < LEVEL_ORDER.indexOf(lowest) ? level : lowest),
    'restricted',
  );
}

/** A pod spec found in a synthesized object. */
export interface PodSpecAt {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  /** Where the pod template sits in the object (`''` for a Pod, `spec.template`, `spec.jobTemplate.spec.template`). */
  readonly templatePath: string;
  readonly metadata: Json;
  readonly spec: Json;
}

/**
 * The pod spec of a synthesized object of any pod-bearing kind (Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob), with where it sits; none for other kinds.
 */
export function podSpecsOf(object: unknown): PodSpecAt[] {
  const o = record(object);
  const kind = o?.['kind'];
  if (!o || typeof kind !== 'string' || !Object.hasOwn(POD_TEMPLATE_PATHS, kind)) return [];
  const steps = POD_TEMPLATE_PATHS[kind]!;
  let template: Json | undefined = o;
  for (const step of steps) template = record(template?.[step]);
  if (!template) return [];
  const metadata = record(o['metadata']) ?? {};
  return [
    {
      kind,
      name: String(metadata['name'] ?? ''),
      namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined,
      templatePath: steps.join('.'),
      metadata: record(template['metadata']) ?? {},
      spec: record(template['spec']) ?? {},
    },
  ];
}

/** A violation's path within the whole object (the template path prefixed). */
export function objectPath(pod: PodSpecAt, violationPath: string): string {
  return pod.templatePath ? `${pod.templatePath}.${violationPath}` : violationPath;
}
