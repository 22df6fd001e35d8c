/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards, policy
 * version "latest" as of Kubernetes 1.33), checked on a pod spec: what the admission controller of a
 * namespace labelled `pod-security.kubernetes.io/enforce: <level>` would refuse. Used by the ark
 * tests to assert the level of every pod the installation renders; each rule has a test in
 * pod-security.test.ts.
 */

export type Level = 'privileged' | 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = [
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
];
const SAFE_SYSCTLS = [
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
];
const SELINUX_TYPES = [undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The pod spec inside a Pod, a workload's template or a CronJob's job template. */
export function podSpecOf(object: any): any {
  if (object.kind === 'Pod') return object.spec;
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template.spec;
  return object.spec?.template?.spec;
}

function containersOf(pod: any): any[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
}

/** Why `pod` does not meet baseline (empty when it does). */
export function baselineViolations(pod: any): string[] {
  const problems: string[] = [];
  const containers = containersOf(pod);
  const contexts = [pod.securityContext ?? {}, ...containers.map((c) => c.securityContext ?? {})];
  if (pod.securityContext?.windowsOptions?.hostProcess || contexts.some((s) => s.windowsOptions?.hostProcess))
    problems.push('hostProcess');
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[ns]) problems.push(ns);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) problems.push(`${c.name}: privileged`);
    for (const cap of sc.capabilities?.add ?? [])
      if (!BASELINE_CAPABILITIES.includes(cap)) problems.push(`${c.name}: capability ${cap}`);
    for (const port of c.ports ?? []) if (port.hostPort) problems.push(`${c.name}: hostPort ${port.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') problems.push(`${c.name}: procMount ${sc.procMount}`);
  }
  for (const v of pod.volumes ?? []) if (v.hostPath) problems.push(`volume ${v.name}: hostPath`);
  for (const sc of contexts) {
    if (sc.appArmorProfile && !['RuntimeDefault', 'Localhost'].includes(sc.appArmorProfile.type))
      problems.push(`appArmor ${sc.appArmorProfile.type}`);
    const se = sc.seLinuxOptions;
    if (se && (!SELINUX_TYPES.includes(se.type) || se.user || se.role)) problems.push('seLinuxOptions');
    if (sc.seccompProfile?.type === 'Unconfined') problems.push('seccomp Unconfined');
  }
  for (const s of pod.securityContext?.sysctls ?? [])
    if (!SAFE_SYSCTLS.includes(s.name)) problems.push(`sysctl ${s.name}`);
  return problems;
}

/** Why `pod` does not meet restricted (empty when it does). */
export function restrictedViolations(pod: any): string[] {
  const problems = baselineViolations(pod);
  const podContext = pod.securityContext ?? {};
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!RESTRICTED_VOLUMES.includes(type as string)) problems.push(`volume ${v.name}: ${type}`);
  }
  if (podContext.runAsUser === 0) problems.push('pod runAsUser 0');
  for (const c of containersOf(pod)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation not false`);
    const nonRoot = sc.runAsNonRoot ?? podContext.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${c.name}: runAsNonRoot not true`);
    if (sc.runAsUser === 0) problems.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) problems.push(`${c.name}: seccompProfile ${seccomp}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name}: capabilities do not drop ALL`);
    for (const cap of sc.capabilities?.add ?? [])
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${c.name}: capability ${cap}`);
  }
  return problems;
}

/** The strictest level `pod` meets. */
export function podSecurityLevel(pod: any): Level {
  if (restrictedViolations(pod).length === 0) return 'restricted';
  return baselineViolations(pod).length === 0 ? 'baseline' : 'privileged';
}

const ORDER: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** Whether a pod at `podLevel` is admitted by a namespace enforcing `enforced`. */
export function admits(enforced: Level, podLevel: Level): boolean {
  return ORDER.indexOf(podLevel) >= ORDER.indexOf(enforced);
}
