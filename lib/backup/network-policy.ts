import { isIP } from 'node:net';
import { KubeNetworkPolicy, NetworkPolicyEgressRule } from '../core/kube-objects';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { metadata } from '../core/metadata';
import { checkLabels } from '../core/names';
import { checkArray, checkPort, checkRecord } from '../core/types';
import { ResolvedBackupStorage } from '../azure/blob-storage';
import { PostgresConnection } from '../postgres/connection';

/**
 * Egress rules of a backup, restore or drill pod: rendered as a NetworkPolicy that selects the
 * construct's pods, allows them DNS, the database (backup and restore only) and the storage
 * endpoint, and nothing else, ingress included. It allows; it cannot deny what another policy
 * allows, so pair it with a namespace-wide default-deny policy (docs/backup.md shows one).
 * NetworkPolicies select by address, never by DNS name: the storage endpoint is given as IP ranges.
 */
export interface BackupNetworkPolicy {
  /**
   * The blob endpoint's addresses: a private endpoint's IP as `10.1.2.3/32`, or the ranges of the
   * region's `Storage.<region>` service tag.
   */
  readonly storageEndpoint: {
    /** IPv4 or IPv6 ranges in CIDR notation, e.g. `['10.1.2.3/32']`. */
    readonly cidrs: string[];
    /** TCP port. @default the blob endpoint's port: 443 for https, 80 for http, or the one it names */
    readonly port?: number;
  };
  /**
   * Microsoft Entra ID's addresses (the `AzureActiveDirectory` service tag), which `az login`
   * reaches on 443 to exchange the workload identity token. Required with workload identity;
   * refused with an account key, which needs no sign-in.
   * @default none (account key)
   */
  readonly signIn?: {
    /** IPv4 or IPv6 ranges in CIDR notation. */
    readonly cidrs: string[];
  };
  /**
   * Where the database is, on its port (backup and restore only; the drill never connects to it).
   * `cidrs` for a server outside the cluster (Azure Database for PostgreSQL), else a selector of
   * the server's pods in the job's namespace.
   * @default the pods of the job's namespace, or the address itself when the host is an IP address
   */
  readonly database?: {
    /** Labels of the server's pods, in the job's namespace. @default any pod of the namespace */
    readonly podSelector?: Record<string, string>;
    /** The server's addresses in CIDR notation, instead of a pod selector. @default none */
    readonly cidrs?: string[];
  };
  /** Where the pods resolve names. @default the `k8s-app: kube-dns` pods of `kube-system` (AKS's CoreDNS), UDP and TCP 53 */
  readonly dns?: {
    /** Labels of the DNS server's namespace. @default `{ 'kubernetes.io/metadata.name': 'kube-system' }` */
    readonly namespaceSelector?: Record<string, string>;
    /** Labels of the DNS server's pods. @default `{ 'k8s-app': 'kube-dns' }` */
    readonly podSelector?: Record<string, string>;
  };
}

/** Checks an IPv4 or IPv6 range in CIDR notation with no host bits beyond what its prefix allows to be anything. */
function checkCidr(scope: IConstruct, field: string, value: unknown): string {
  const [address, bits, extra] = typeof value === 'string' ? value.split('/') : [];
  const family = address === undefined ? 0 : isIP(address);
  const max = family === 4 ? 32 : 128;
  const ok = family !== 0 && extra === undefined && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= max;
  if (!ok) invalid(scope, field, value, 'an IPv4 or IPv6 range in CIDR notation, e.g. "10.1.2.3/32" or "fd00::/64"');
  return value as string;
}

function checkCidrs(scope: IConstruct, field: string, value: unknown): string[] {
  const cidrs = checkArray(scope, field, value, (f, v) => checkCidr(scope, f, v));
  if (cidrs.length === 0) invalid(scope, field, value, 'at least one range in CIDR notation');
  return cidrs;
}

function checkSelector(scope: IConstruct, field: string, value: unknown): Record<string, string> {
  checkRecord(scope, field, value);
  return checkLabels(scope, field, value as Record<string, string>);
}

/** The port az reaches the blob endpoint on. */
function endpointPort(storage: ResolvedBackupStorage): number {
  if (!storage.blobEndpoint) return 443;
  const url = new URL(storage.blobEndpoint);
  return url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
}

const tcp = (port: number) => ({ protocol: 'TCP', port });

/**
 * Renders {@link BackupNetworkPolicy} for the pods of the job labelled `labels` (the library's
 * `app.kubernetes.io/name` and `instance` select them); undefined when the prop is unset. `connection` is the database the pods reach (undefined for the drill, which reaches none).
 */
export function renderNetworkPolicy(
  scope: Construct,
  given: BackupNetworkPolicy | undefined,
  spec: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly storage: ResolvedBackupStorage;
    readonly connection?: PostgresConnection;
  },
): KubeNetworkPolicy | undefined {
  if (given === undefined) return undefined;
  const props = checkRecord(scope, 'networkPolicy', given) as unknown as BackupNetworkPolicy;
  checkRecord(scope, 'networkPolicy.storageEndpoint', props.storageEndpoint);
  const storageCidrs = checkCidrs(scope, 'networkPolicy.storageEndpoint.cidrs', props.storageEndpoint.cidrs);
  const storagePort =
    props.storageEndpoint.port === undefined
      ? endpointPort(spec.storage)
      : checkPort(scope, 'networkPolicy.storageEndpoint.port', props.storageEndpoint.port);

  const dns = props.dns === undefined ? {} : checkRecord(scope, 'networkPolicy.dns', props.dns);
  const dnsNamespace =
    dns.namespaceSelector === undefined
      ? { 'kubernetes.io/metadata.name': 'kube-system' }
      : checkSelector(scope, 'networkPolicy.dns.namespaceSelector', dns.namespaceSelector);
  const dnsPods =
    dns.podSelector === undefined
      ? { 'k8s-app': 'kube-dns' }
      : checkSelector(scope, 'networkPolicy.dns.podSelector', dns.podSelector);

  const egress: NetworkPolicyEgressRule[] = [
    {
      to: [{ namespaceSelector: { matchLabels: dnsNamespace }, podSelector: { matchLabels: dnsPods } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    { to: storageCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(storagePort)] },
  ];

  const identity = spec.storage.auth.mode === 'workloadIdentity';
  if (props.signIn === undefined && identity) {
    invalid(
      scope,
      'networkPolicy.signIn',
      undefined,
      "Microsoft Entra ID's ranges (the AzureActiveDirectory service tag): with workload identity az signs in there",
    );
  }
  if (props.signIn !== undefined) {
    if (!identity) invalid(scope, 'networkPolicy.signIn', props.signIn, 'unset: an account key needs no sign-in');
    checkRecord(scope, 'networkPolicy.signIn', props.signIn);
    const cidrs = checkCidrs(scope, 'networkPolicy.signIn.cidrs', props.signIn.cidrs);
    egress.push({ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] });
  }

  const c = spec.connection;
  if (c === undefined && props.database !== undefined) {
    invalid(scope, 'networkPolicy.database', props.database, 'unset: the drill never connects to the database');
  }
  if (c !== undefined) {
    const database = props.database === undefined ? {} : checkRecord(scope, 'networkPolicy.database', props.database);
    if (database.cidrs !== undefined && database.podSelector !== undefined) {
      invalid(scope, 'networkPolicy.database', database, 'either cidrs or podSelector, not both');
    }
    const family = isIP(c.host);
    const to =
      database.cidrs !== undefined
        ? checkCidrs(scope, 'networkPolicy.database.cidrs', database.cidrs).map((cidr) => ({ ipBlock: { cidr } }))
        : database.podSelector === undefined && family !== 0
          ? [{ ipBlock: { cidr: `${c.host}/${family === 4 ? 32 : 128}` } }]
          : [
              {
                podSelector: {
                  matchLabels:
                    database.podSelector === undefined
                      ? {}
                      : checkSelector(scope, 'networkPolicy.database.podSelector', database.podSelector),
                },
              },
            ];
    egress.push({ to, ports: [tcp(c.port)] });
  }

  return new KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: metadata({ name: spec.name, namespace: spec.namespace, labels: spec.labels }),
    spec: {
      // The library's own labels of the job's pods, which user labels cannot override.
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': spec.labels['app.kubernetes.io/name'],
          'app.kubernetes.io/instance': spec.labels['app.kubernetes.io/instance'],
        },
      },
      // Ingress listed with no rule: nothing may connect to these pods.
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  });
}
