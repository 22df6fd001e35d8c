/**
 * One test per check of the Pod Security Standards: a pod that the standard's wording allows and one
 * it forbids, both starting from a pod that meets Restricted, so each failing pod fails exactly the
 * one check (and lands at the level below), and each passing variant stays Restricted.
 */
import { describe, expect, it } from 'vitest';
import {
  leastStrict,
  objectPath,
  podSecurityLevel,
  podSecurityViolations,
  podSpecsOf,
  type PodSecurityLevel,
} from './pod-security';

type Json = Record<string, any>;

const RESTRICTED_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/** A pod meeting Restricted: non-root and seccomp at pod level, each container drops ALL and cannot escalate. */
function restrictedPod(): Json {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [{ name: 'init', image: 'busybox:1.37', securityContext: structuredClone(RESTRICTED_CONTEXT) }],
    containers: [{ name: 'app', image: 'nginx:1.27', securityContext: structuredClone(RESTRICTED_CONTEXT) }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
  };
}

const app = (spec: Json): Json => spec.containers[0];
const init = (spec: Json): Json => spec.initContainers[0];

interface RuleCase {
  readonly rule: string;
  readonly level: 'baseline' | 'restricted';
  /** Changes the restricted pod so that it still meets the standard for this check. */
  readonly pass: (spec: Json, metadata: Json) => void;
  /** Changes it so that it fails this check, at `path`. */
  readonly fail: (spec: Json, metadata: Json) => void;
  readonly path: string;
}

const CASES: readonly RuleCase[] = [
  {
    rule: 'hostProcess',
    level: 'baseline',
    pass: (s) => (s.securityContext.windowsOptions = { hostProcess: false }),
    fail: (s) => (app(s).securityContext.windowsOptions = { hostProcess: true }),
    path: 'spec.containers[0].securityContext.windowsOptions.hostProcess',
  },
  {
    rule: 'hostProcess',
    level: 'baseline',
    pass: () => {},
    fail: (s) => (s.securityContext.windowsOptions = { hostProcess: true }),
    path: 'spec.securityContext.windowsOptions.hostProcess',
  },
  ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).map((field): RuleCase => ({
    rule: 'hostNamespaces',
    level: 'baseline',
    pass: (s) => (s[field] = false),
    fail: (s) => (s[field] = true),
    path: `spec.${field}`,
  })),
  {
    rule: 'privileged',
    level: 'baseline',
    pass: (s) => (app(s).securityContext.privileged = false),
    fail: (s) => (init(s).securityContext.privileged = true),
    path: 'spec.initContainers[0].securityContext.privileged',
  },
  {
    // Baseline allows adding the runtime's defaults; Restricted only NET_BIND_SERVICE: the pass case adds that one.
    rule: 'capabilities_baseline',
    level: 'baseline',
    pass: (s) => (app(s).securityContext.capabilities.add = ['NET_BIND_SERVICE']),
    fail: (s) => (app(s).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']),
    path: 'spec.containers[0].securityContext.capabilities.add[1]',
  },
  {
    rule: 'hostPathVolumes',
    level: 'baseline',
    pass: (s) => s.volumes.push({ name: 'scratch', emptyDir: {} }),
    fail: (s) => s.volumes.push({ name: 'root', hostPath: { path: '/' } }),
    path: 'spec.volumes[1].hostPath',
  },
  {
    rule: 'hostPorts',
    level: 'baseline',
    pass: (s) => (app(s).ports = [{ containerPort: 80, hostPort: 0 }]),
    fail: (s) => (app(s).ports = [{ containerPort: 80, hostPort: 8080 }]),
    path: 'spec.containers[0].ports[0].hostPort',
  },
  {
    rule: 'appArmorProfile',
    level: 'baseline',
    pass: (_s, m) =>
      (m.annotations = {
        'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
        'container.apparmor.security.beta.kubernetes.io/init': 'localhost/custom',
      }),
    fail: (_s, m) => (m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
    path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
  },
  {
    rule: 'appArmorProfile',
    level: 'baseline',
    pass: (s) => {
      s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
      app(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'custom' };
    },
    fail: (s) => (app(s).securityContext.appArmorProfile = { type: 'Unconfined' }),
    path: 'spec.containers[0].securityContext.appArmorProfile.type',
  },
  {
    rule: 'seLinuxOptions',
    level: 'baseline',
    pass: (s) => {
      s.securityContext.seLinuxOptions = { type: 'container_init_t', level: 's0:c123,c456' };
      app(s).securityContext.seLinuxOptions = { type: 'container_engine_t' };
    },
    fail: (s) => (app(s).securityContext.seLinuxOptions = { type: 'spc_t' }),
    path: 'spec.containers[0].securityContext.seLinuxOptions.type',
  },
  {
    rule: 'seLinuxOptions',
    level: 'baseline',
    pass: (s) => (s.securityContext.seLinuxOptions = { user: '', role: '' }),
    fail: (s) => (s.securityContext.seLinuxOptions = { role: 'sysadm_r' }),
    path: 'spec.securityContext.seLinuxOptions.role',
  },
  {
    rule: 'procMount',
    level: 'baseline',
    pass: (s) => (app(s).securityContext.procMount = 'Default'),
    fail: (s) => (app(s).securityContext.procMount = 'Unmasked'),
    path: 'spec.containers[0].securityContext.procMount',
  },
  {
    rule: 'seccompProfile_baseline',
    level: 'baseline',
    pass: (s) => (app(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }),
    fail: (s) => (app(s).securityContext.seccompProfile = { type: 'Unconfined' }),
    path: 'spec.containers[0].securityContext.seccompProfile.type',
  },
  {
    rule: 'sysctls',
    level: 'baseline',
    pass: (s) =>
      (s.securityContext.sysctls = [
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
        { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
      ]),
    fail: (s) => (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    path: 'spec.securityContext.sysctls[0].name',
  },
  {
    rule: 'restrictedVolumes',
    level: 'restricted',
    pass: (s) =>
      s.volumes.push(
        { name: 'c', configMap: { name: 'c' } },
        { name: 's', secret: { secretName: 's' } },
        { name: 'e', emptyDir: {} },
        { name: 'p', projected: { sources: [] } },
        { name: 'd', downwardAPI: { items: [] } },
        { name: 'i', csi: { driver: 'file.csi.azure.com' } },
        { name: 'x', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'o', image: { reference: 'registry.example/data:1' } },
        // No source at all: the API server defaults it to emptyDir before admission.
        { name: 'n' },
      ),
    fail: (s) => s.volumes.push({ name: 'share', azureFile: { secretName: 's', shareName: 'x' } }),
    path: 'spec.volumes[1]',
  },
  {
    rule: 'allowPrivilegeEscalation',
    level: 'restricted',
    pass: () => {},
    fail: (s) => delete app(s).securityContext.allowPrivilegeEscalation,
    path: 'spec.containers[0].securityContext.allowPrivilegeEscalation',
  },
  {
    rule: 'runAsNonRoot',
    level: 'restricted',
    pass: (s) => {
      delete s.securityContext.runAsNonRoot;
      app(s).securityContext.runAsNonRoot = true;
      init(s).securityContext.runAsNonRoot = true;
    },
    fail: (s) => (init(s).securityContext.runAsNonRoot = false),
    path: 'spec.initContainers[0].securityContext.runAsNonRoot',
  },
  {
    rule: 'runAsNonRoot',
    level: 'restricted',
    pass: () => {},
    // Forbidden even when every container sets true itself.
    fail: (s) => {
      s.securityContext.runAsNonRoot = false;
      for (const c of [app(s), init(s)]) c.securityContext.runAsNonRoot = true;
    },
    path: 'spec.securityContext.runAsNonRoot',
  },
  {
    rule: 'runAsUser',
    level: 'restricted',
    pass: (s) => {
      s.securityContext.runAsUser = 1000;
      app(s).securityContext.runAsUser = 999;
    },
    fail: (s) => (app(s).securityContext.runAsUser = 0),
    path: 'spec.containers[0].securityContext.runAsUser',
  },
  {
    rule: 'runAsUser',
    level: 'restricted',
    pass: () => {},
    fail: (s) => (s.securityContext.runAsUser = 0),
    path: 'spec.securityContext.runAsUser',
  },
  {
    rule: 'seccompProfile_restricted',
    level: 'restricted',
    pass: (s) => {
      delete s.securityContext.seccompProfile;
      app(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      init(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    },
    fail: (s) => {
      delete s.securityContext.seccompProfile;
      init(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    },
    path: 'spec.containers[0].securityContext.seccompProfile.type',
  },
  {
    rule: 'capabilities_restricted',
    level: 'restricted',
    pass: (s) => (app(s).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
    fail: (s) => (app(s).securityContext.capabilities = { drop: ['NET_RAW'] }),
    path: 'spec.containers[0].securityContext.capabilities.drop',
  },
  {
    rule: 'capabilities_restricted',
    level: 'restricted',
    pass: () => {},
    // CHOWN is in Baseline's default set, so this pod is Baseline, not Restricted.
    fail: (s) => (app(s).securityContext.capabilities.add = ['CHOWN']),
    path: 'spec.containers[0].securityContext.capabilities.add[0]',
  },
];

const LEVEL_BELOW: Record<'baseline' | 'restricted', PodSecurityLevel> = {
  baseline: 'privileged',
  restricted: 'baseline',
};

describe('Pod Security Standards checks', () => {
  it('a pod with the restricted settings meets Restricted', () => {
    expect(podSecurityViolations(restrictedPod(), 'restricted')).toEqual([]);
    expect(podSecurityLevel(restrictedPod())).toBe('restricted');
  });

  it('the default (minimally specified) pod meets Baseline, not Restricted', () => {
    const pod = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
    expect(podSecurityLevel(pod)).toBe('baseline');
    expect(podSecurityViolations(pod, 'restricted').map((v) => v.rule)).toEqual([
      'allowPrivilegeEscalation',
      'runAsNonRoot',
      'seccompProfile_restricted',
      'capabilities_restricted',
    ]);
    expect(podSecurityViolations(pod, 'privileged')).toEqual([]);
  });

  describe.each(CASES.map((c) => [`${c.rule} (${c.path})`, c] as const))('%s', (_, c) => {
    it('allows what the standard allows', () => {
      const spec = restrictedPod();
      const metadata: Json = {};
      c.pass(spec, metadata);
      expect(podSecurityViolations(spec, 'restricted', metadata)).toEqual([]);
      expect(podSecurityLevel(spec, metadata)).toBe('restricted');
    });

    it(`forbids what it forbids (the pod drops to ${LEVEL_BELOW[c.level]})`, () => {
      const spec = restrictedPod();
      const metadata: Json = {};
      c.fail(spec, metadata);
      const found = podSecurityViolations(spec, c.level, metadata);
      expect(found.map((v) => [v.rule, v.path])).toEqual([[c.rule, c.path]]);
      expect(found[0]!.message).not.toBe('');
      expect(podSecurityLevel(spec, metadata)).toBe(LEVEL_BELOW[c.level]);
      if (c.level === 'restricted') expect(podSecurityViolations(spec, 'baseline', metadata)).toEqual([]);
    });
  });
});

describe('pod-level and container-level settings, as the admission plugin combines them', () => {
  it('a container-level runAsNonRoot=false overrides the pod-level true', () => {
    const spec = restrictedPod();
    app(spec).securityContext.runAsNonRoot = false;
    expect(podSecurityViolations(spec, 'restricted').map((v) => v.path)).toEqual([
      'spec.containers[0].securityContext.runAsNonRoot',
    ]);
  });

  it('without the pod-level setting, every container must set runAsNonRoot and seccomp itself', () => {
    const spec = restrictedPod();
    spec.securityContext = {};
    app(spec).securityContext.runAsNonRoot = true;
    app(spec).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(podSecurityViolations(spec, 'restricted').map((v) => `${v.rule} ${v.path}`)).toEqual([
      'runAsNonRoot spec.initContainers[0].securityContext.runAsNonRoot',
      'seccompProfile_restricted spec.initContainers[0].securityContext.seccompProfile.type',
    ]);
  });

  it('a pod-level Unconfined seccomp fails Baseline even when every container sets RuntimeDefault', () => {
    const spec = restrictedPod();
    spec.securityContext.seccompProfile = { type: 'Unconfined' };
    for (const c of [app(spec), init(spec)]) c.securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(podSecurityViolations(spec, 'baseline').map((v) => v.path)).toEqual([
      'spec.securityContext.seccompProfile.type',
    ]);
    expect(podSecurityLevel(spec)).toBe('privileged');
  });

  it('checks ephemeral containers like the others', () => {
    const spec = restrictedPod();
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.37', securityContext: { privileged: true } }];
    expect(podSecurityViolations(spec, 'restricted').map((v) => `${v.rule} ${v.path}`)).toEqual([
      'privileged spec.ephemeralContainers[0].securityContext.privileged',
      'allowPrivilegeEscalation spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation',
      'capabilities_restricted spec.ephemeralContainers[0].securityContext.capabilities.drop',
    ]);
  });

  it('exempts Windows pods from the Linux-only Restricted checks, not from runAsNonRoot', () => {
    const spec = { os: { name: 'windows' }, containers: [{ name: 'app', image: 'iis:1' }] };
    expect(podSecurityViolations(spec, 'restricted').map((v) => v.rule)).toEqual(['runAsNonRoot']);
  });
});

describe('podSpecsOf', () => {
  const spec = restrictedPod();
  const template = { metadata: { labels: { app: 'x' } }, spec };
  const objects: Json[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: { app: 'x' } }, spec },
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].map((kind) => ({
      kind,
      metadata: { name: kind.toLowerCase(), namespace: 'ns' },
      spec: { template },
    })),
    { kind: 'CronJob', metadata: { name: 'cron' }, spec: { jobTemplate: { spec: { template } } } },
    { kind: 'ConfigMap', metadata: { name: 'cm' }, data: {} },
  ];

  it('finds the pod spec of every pod-bearing kind, with where it sits', () => {
    const found = objects.flatMap((o) => podSpecsOf(o));
    expect(found.map((p) => [p.kind, p.name, p.namespace, p.templatePath])).toEqual([
      ['Pod', 'p', 'ns', ''],
      ['Deployment', 'deployment', 'ns', 'spec.template'],
      ['StatefulSet', 'statefulset', 'ns', 'spec.template'],
      ['DaemonSet', 'daemonset', 'ns', 'spec.template'],
      ['ReplicaSet', 'replicaset', 'ns', 'spec.template'],
      ['Job', 'job', 'ns', 'spec.template'],
      ['CronJob', 'cron', undefined, 'spec.jobTemplate.spec.template'],
    ]);
    for (const p of found) expect(p.spec).toBe(spec);
    expect(found[0]!.metadata).toEqual({ name: 'p', namespace: 'ns', labels: { app: 'x' } });
    expect(found[1]!.metadata).toEqual({ labels: { app: 'x' } });
  });

  it('prefixes violation paths with the template path', () => {
    const [cron] = podSpecsOf(objects[6]);
    expect(objectPath(cron!, 'spec.hostPID')).toBe('spec.jobTemplate.spec.template.spec.hostPID');
    expect(objectPath(podSpecsOf(objects[0])[0]!, 'spec.hostPID')).toBe('spec.hostPID');
  });

  it('the least strict level of several pods is what their namespace can enforce', () => {
    expect(leastStrict([])).toBe('restricted');
    expect(leastStrict(['restricted', 'baseline', 'restricted'])).toBe('baseline');
    expect(leastStrict(['baseline', 'privileged'])).toBe('privileged');
  });
});
