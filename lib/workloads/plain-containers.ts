import type * as kplus from 'cdk8s-plus-27';

/*
 * Containers whose props hold no cdk8s-plus value (no env values, volumes, probes, handlers or
 * CPU amounts: only text, numbers and plain objects) are rendered here, exactly as cdk8s-plus-27
 * 2.9 renders them, so that a set of such containers never loads cdk8s-plus (its generated module
 * alone took 17-21 ms of every cold start). A test renders random props both ways and compares.
 * Any other container goes through cdk8s-plus itself (KplusPodRendering).
 */

/** The container props rendered here; any other prop set means cdk8s-plus renders the container. */
export const PLAIN_PROPS: readonly string[] = [
  'image',
  'name',
  'port',
  'portNumber',
  'ports',
  'command',
  'args',
  'workingDir',
  'imagePullPolicy',
  'securityContext',
];

/** True when every prop set is one this module renders (see {@link PLAIN_PROPS}). */
export function isPlainContainer(props: kplus.ContainerProps): boolean {
  return Object.entries(props).every(([key, value]) => value === undefined || PLAIN_PROPS.includes(key));
}

/** What the set reads of a container, whichever renders it: cdk8s-plus's `Container` has the same shape. */
export interface ContainerView {
  readonly name: string;
  readonly ports: readonly kplus.ContainerPort[];
  readonly env: { readonly variables: Readonly<Record<string, unknown>> };
  readonly mounts: readonly { readonly path: string; readonly volume: { readonly name: string } }[];
}

// cdk8s-plus-27's defaults for a container that does not set them.
const DEFAULT_RESOURCES = {
  limits: { cpu: '1500m', memory: '2048Mi' },
  requests: { cpu: '1000m', memory: '512Mi' },
};
const DEFAULT_IMAGE_PULL_POLICY = 'Always';
// A port given as `portNumber` gets a TCP startup probe on it, with Kubernetes's own threshold.
const DEFAULT_PROBE_FAILURE_THRESHOLD = 3;

/** A container from plain props, rendered as cdk8s-plus renders it. */
export class PlainContainer implements ContainerView {
  public readonly name: string;
  public readonly ports: readonly kplus.ContainerPort[];
  public readonly env = { variables: {} };
  public readonly mounts = [];
  private readonly portNumber?: number;

  /** `name` is the container's name as cdk8s-plus gives it (`main`, `init-<n>` when unset). */
  constructor(
    private readonly props: kplus.ContainerProps,
    name: string,
  ) {
    this.name = name;
    this.portNumber = props.portNumber ?? props.port;
    this.ports = [...(this.portNumber ? [{ number: this.portNumber }] : []), ...(props.ports ?? [])];
  }

  /** The container as Kubernetes JSON (keys unsorted, no undefined values). */
  public render(): Record<string, unknown> {
    const p = this.props;
    const security = p.securityContext ?? {};
    return withoutUndefined({
      name: this.name,
      image: p.image,
      imagePullPolicy: p.imagePullPolicy ?? DEFAULT_IMAGE_PULL_POLICY,
      ports:
        this.ports.length > 0
          ? this.ports.map((port) =>
              withoutUndefined({
                containerPort: port.number,
                protocol: port.protocol,
                name: port.name,
                // hostPort and hostIp are refused (container-props.ts): Pod Security "restricted".
              }),
            )
          : undefined,
      command: p.command && [...p.command],
      args: p.args && [...p.args],
      workingDir: p.workingDir,
      startupProbe: this.portNumber
        ? { failureThreshold: DEFAULT_PROBE_FAILURE_THRESHOLD, tcpSocket: { port: this.portNumber } }
        : undefined,
      resources: structuredClone(DEFAULT_RESOURCES),
      securityContext: withoutUndefined({
        runAsGroup: security.group,
        runAsUser: security.user,
        runAsNonRoot: security.ensureNonRoot ?? true,
        privileged: security.privileged ?? false,
        readOnlyRootFilesystem: security.readOnlyRootFilesystem ?? true,
        allowPrivilegeEscalation: security.allowPrivilegeEscalation ?? false,
        capabilities: security.capabilities && withoutUndefined({ ...security.capabilities }),
      }),
    });
  }
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
