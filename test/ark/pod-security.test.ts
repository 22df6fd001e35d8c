import { describe, expect, it } from 'vitest';
import { Level, admits, podSecurityLevel } from './pod-security';

// A pod that meets restricted; each case breaks one rule of the standard and must fall to the level shown.
const restricted = () => ({
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: 'app:1',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
  volumes: [{ name: 'data', emptyDir: {} }],
});
type Pod = ReturnType<typeof restricted> & Record<string, any>;
const container = (pod: Pod) => pod.containers[0] as any;

const cases: Array<[string, (pod: Pod) => void, Level]> = [
  ['hostNetwork', (p) => (p.hostNetwork = true), 'privileged'],
  ['hostPID', (p) => (p.hostPID = true), 'privileged'],
  ['hostIPC', (p) => (p.hostIPC = true), 'privileged'],
  ['hostProcess', (p) => ((p.securityContext as any).windowsOptions = { hostProcess: true }), 'privileged'],
  ['a privileged container', (p) => (container(p).securityContext.privileged = true), 'privileged'],
  [
    'a capability beyond the baseline set',
    (p) => (container(p).securityContext.capabilities.add = ['SYS_ADMIN']),
    'privileged',
  ],
  ['a hostPath volume', (p) => p.volumes.push({ name: 'host', hostPath: { path: '/' } } as any), 'privileged'],
  ['a hostPort', (p) => (container(p).ports = [{ containerPort: 80, hostPort: 80 }]), 'privileged'],
  [
    'an Unconfined AppArmor profile',
    (p) => ((p.securityContext as any).appArmorProfile = { type: 'Unconfined' }),
    'privileged',
  ],
  ['a SELinux user', (p) => ((p.securityContext as any).seLinuxOptions = { user: 'root' }), 'privileged'],
  ['an Unmasked /proc', (p) => (container(p).securityContext.procMount = 'Unmasked'), 'privileged'],
  ['an Unconfined seccomp profile', (p) => (p.securityContext.seccompProfile.type = 'Unconfined'), 'privileged'],
  [
    'an unsafe sysctl',
    (p) => ((p.securityContext as any).sysctls = [{ name: 'kernel.msgmax', value: '1' }]),
    'privileged',
  ],
  [
    'a volume type outside the restricted list',
    (p) => p.volumes.push({ name: 'nfs', nfs: { server: 'x', path: '/' } } as any),
    'baseline',
  ],
  ['privilege escalation', (p) => delete (container(p).securityContext as any).allowPrivilegeEscalation, 'baseline'],
  ['runAsNonRoot unset', (p) => delete (p.securityContext as any).runAsNonRoot, 'baseline'],
  ['a container with runAsNonRoot false', (p) => (container(p).securityContext.runAsNonRoot = false), 'baseline'],
  ['runAsUser 0', (p) => (p.securityContext.runAsUser = 0), 'baseline'],
  ['no seccomp profile', (p) => delete (p.securityContext as any).seccompProfile, 'baseline'],
  ['capabilities not dropped', (p) => (container(p).securityContext.capabilities.drop = []), 'baseline'],
  [
    'a baseline capability other than NET_BIND_SERVICE',
    (p) => (container(p).securityContext.capabilities.add = ['CHOWN']),
    'baseline',
  ],
];

describe('the Pod Security Standards checker of the ark tests', () => {
  it('sees the unchanged pod as restricted, and NET_BIND_SERVICE as allowed', () => {
    expect(podSecurityLevel(restricted())).toBe('restricted');
    const bind = restricted();
    (container(bind).securityContext.capabilities as any).add = ['NET_BIND_SERVICE'];
    expect(podSecurityLevel(bind)).toBe('restricted');
  });

  it.each(cases)('%s', (_, breakRule, level) => {
    const pod = restricted() as Pod;
    breakRule(pod);
    expect(podSecurityLevel(pod)).toBe(level);
  });

  it('admits a pod in a namespace whose level it meets', () => {
    expect(admits('restricted', 'baseline')).toBe(false);
    expect(admits('privileged', 'baseline')).toBe(true);
    expect(admits('baseline', 'restricted')).toBe(true);
  });
});
