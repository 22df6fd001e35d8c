import { Chart, Duration, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import {
  KubePodDisruptionBudget,
  KubeService,
  KubeStatefulSet,
  QuantityValue,
  ServicePort,
  StatefulSetSpec,
  KubeStatefulSetProps,
  PodSecurityContext,
  EnvVar,
} from '../core/kube-objects';
import { Construct, IConstruct } from 'constructs';
import { metadata } from '../core/metadata';
import { checkZones } from '../azure/names';
import { durationSeconds } from '../core/duration';
import { invalid } from '../core/errors';
import { checkDnsSubdomain, checkServiceName } from '../core/names';
import { checkInteger, checkOneOf } from '../core/values';
import {
  checkArray,
  checkBoolean,
  checkOptionalBoolean,
  checkRecord,
  checkSecurityId,
  checkString,
  checkStringArray,
} from '../core/types';
import { resolveContainerProps, withDroppedCapabilities } from './container-props';
import { checkPodVolumes } from '../core/pod-volumes';
import {
  ResolvedClaimTemplate,
  VolumeClaimTemplate,
  renderClaimTemplate,
  resolveClaimTemplates,
} from './claim-template';
import { requestAppChecks } from '../core/app-checks';
import { HostSpreading, ZONE_LABEL, checkStorageFollowsZones, zoneAffinity, zoneSpread } from './zone-placement';
import { checkExtraEnv } from './extra-env';
import { checkAnnotations, checkObjectLabels } from './object-metadata';
import { PodSchedulingProps, ResolvedPodScheduling, mergeAffinity, resolvePodScheduling } from './pod-scheduling';
import { KplusPodRendering, RenderedPodParts, sortKeys } from './kplus-pod-rendering';
import { ContainerView, PlainContainer, isPlainContainer } from './plain-containers';

/** What happens to replicas' claims when the StatefulSet is deleted or scaled down. */
export interface ClaimRetention {
  /** @default 'Retain' */
  readonly whenDeleted?: 'Retain' | 'Delete';
  /** @default 'Retain' */
  readonly whenScaled?: 'Retain' | 'Delete';
}

/** The PodDisruptionBudget a ZonalStatefulSet renders. */
export interface DisruptionBudget {
  /** Replicas that voluntary disruptions (drains) may take down at once. @default 1 */
  readonly maxUnavailable?: number;
  /**
   * Keep a majority up instead (`minAvailable: floor(replicas / 2) + 1`), for consensus clusters
   * of 3 or 5 members. @default false
   */
  readonly quorum?: boolean;
}

/**
 * Pod-level security settings. Whatever is set here, the pod keeps `seccompProfile: RuntimeDefault`,
 * and its containers drop every capability and never escalate privileges (Pod Security "restricted").
 */
export interface StatefulPodSecurity {
  /** Group that owns mounted volumes (0 to 2^31−1). @default none */
  readonly fsGroup?: number;
  /**
   * User of every container unless a container says otherwise (1 to 2^31−1; 0 is root, which
   * runAsNonRoot refuses). Set it when the image's user is root or named rather than numeric, or
   * the kubelet refuses to start the containers. @default the image's user
   */
  readonly runAsUser?: number;
  /** Group of every container unless a container says otherwise (0 to 2^31−1). @default the image's group */
  readonly runAsGroup?: number;
  /**
   * Refuse to start containers as root. `false` is your explicit choice and takes the pod below
   * Pod Security "restricted" (which requires true). @default true
   */
  readonly runAsNonRoot?: boolean;
}

/** Props of {@link ZonalStatefulSet}. */
export interface ZonalStatefulSetProps extends PodSchedulingProps {
  /**
   * Name of the StatefulSet, its headless Service and its PodDisruptionBudget; at most 52
   * characters (pod names add an ordinal). Immutable once deployed: it names every replica's claims
   * (`<template>-<name>-<ordinal>`), so a new name starts with empty disks. It also names a Service,
   * so it must start with a letter (a DNS-1035 label).
   * @default a name generated from the construct path
   */
  readonly name?: string;
  /**
   * Containers, cdk8s-plus style; more than one runs sidecars beside the main (first) container.
   * Names are DNS-1123 labels (lowercase, no `_`); the image needs a tag other than `latest` or a
   * digest (pin by digest: `repo:tag@sha256:<64 hex>` or `repo@sha256:<64 hex>`). Each container runs
   * with cdk8s-plus's defaults (no privilege escalation, read-only root, non-root) and drops every
   * capability; an explicit `securityContext` value wins, except that privileged containers, added
   * capabilities other than NET_BIND_SERVICE, host ports and uid 0 are refused.
   */
  readonly containers: kplus.ContainerProps[];
  /** Init containers, run in order before the containers; the same rules as `containers`, and no probes. @default none */
  readonly initContainers?: kplus.ContainerProps[];
  /** Zones the replicas run in, e.g. `['westeurope-1', 'westeurope-2', 'westeurope-3']`. */
  readonly zones: string[];
  /**
   * Replica count. Replicas are spread evenly over the zones (max skew 1); a count not divisible by
   * the number of zones leaves some zones with one replica more. @default the number of zones
   */
  readonly replicas?: number;
  /** One volume per replica for each template. @default none */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];
  /** `OrderedReady` starts pods one by one in ordinal order; `Parallel` all at once. @default 'OrderedReady' */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** Rolling updates only touch ordinals ≥ partition (staged rollouts). @default 0 */
  readonly partition?: number;
  /** Time a pod gets to shut down. @default Duration.seconds(30) */
  readonly terminationGracePeriod?: Duration;
  /**
   * Command run in the first container before it is stopped, as an array of arguments (e.g.
   * `['consul', 'leave']`; a string is refused, it would not be split as a shell would). @default none
   */
  readonly preStopCommand?: string[];
  /**
   * Service account the pods run as: a cdk8s-plus `ServiceAccount` (or `ServiceAccount.fromServiceAccountName`);
   * its token is mounted. A name as a string is refused. @default the namespace's default account, with no token mounted
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /** Extra labels on every object and pod. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations on the StatefulSet, its Service and its PodDisruptionBudget (not the pods: a change would restart them). @default none */
  readonly annotations?: Record<string, string>;
  /** Environment variables of every container and init container, after each container's own. @default none */
  readonly env?: Record<string, string>;
  /** Publish DNS records of pods before they are ready, so peers can find each other while forming a cluster. @default false */
  readonly publishNotReadyAddresses?: boolean;
  /** Whether replicas may share a node: `required` never, `preferred` only when the scheduler must. @default 'required' */
  readonly hostSpreading?: HostSpreading;
  /** Disruption budget. @default `{ maxUnavailable: 1 }` */
  readonly disruptionBudget?: DisruptionBudget;
  /** What happens to claims on delete and scale-down. @default Retain and Retain */
  readonly claimRetention?: ClaimRetention;
  /** Pod security settings. @default `{ runAsNonRoot: true }` and seccomp RuntimeDefault */
  readonly podSecurity?: StatefulPodSecurity;
}

const MAX_NAME = 52;

type PodParts = { containers: unknown[]; initContainers?: unknown[]; volumes?: unknown[] };

/**
 * The StatefulSet object. Its pod's containers and volumes are rendered and checked after the rest
 * (mounts added after construction count), outside cdk8s's serialization of the props, which would
 * wrap a validation error of theirs in a message of its own.
 */
class StatefulSetObject extends KubeStatefulSet {
  constructor(
    scope: Construct,
    id: string,
    props: KubeStatefulSetProps,
    private readonly podParts: () => PodParts,
  ) {
    super(scope, id, props);
  }

  public override toJson(): any {
    const json = super.toJson();
    const parts = Object.fromEntries(Object.entries(this.podParts()).filter(([, v]) => v !== undefined));
    json.spec.template.spec = sortKeys({ ...json.spec.template.spec, ...parts });
    return json;
  }
}

/**
 * A StatefulSet whose replicas each get their own disk in their own availability zone: claim
 * templates, a headless Service for per-pod DNS, an even spread over the listed zones, no two
 * replicas on one node, a PodDisruptionBudget, and claims kept when the set is deleted or scaled.
 */
export class ZonalStatefulSet extends Construct {
  /** StatefulSet name. */
  public readonly name: string;
  public readonly namespace: string;
  /** Name of the headless Service that gives each pod a DNS name. */
  public readonly serviceName: string;
  /** Labels that select this set's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  public readonly replicas: number;
  public readonly zones: readonly string[];
  public readonly claimTemplates: readonly ResolvedClaimTemplate[];
  /** The StatefulSet: the construct's main object. */
  public readonly apiObject: KubeStatefulSet;
  /** The headless Service, named like the set. */
  public readonly service: KubeService;
  /** The PodDisruptionBudget, named like the set. */
  public readonly disruptionBudget: KubePodDisruptionBudget;
  private readonly containerProps: kplus.ContainerProps[];
  private readonly initProps: kplus.ContainerProps[];
  // Containers of plain props are rendered by the library (./plain-containers.ts) until someone
  // needs cdk8s-plus's own Container objects: props with cdk8s-plus values, or a read of
  // `containers`. From then on cdk8s-plus builds and renders them, in a pod never synthesized.
  private plain?: { containers: PlainContainer[]; initContainers: PlainContainer[] };
  private kplus?: { rendering: KplusPodRendering; containers: kplus.Container[]; initContainers: kplus.Container[] };
  // Settled in the constructor, rendered lazily so containers can still be changed before synth.
  private readonly specInputs: {
    podManagementPolicy: string;
    partition: number;
    hostSpreading: HostSpreading;
    grace: number;
    retention: { whenDeleted: string; whenScaled: string };
    podLabels: Record<string, string>;
    preStopCommand?: string[];
    serviceAccount?: kplus.IServiceAccount;
    podSecurity: StatefulPodSecurity;
    scheduling: ResolvedPodScheduling;
    env: EnvVar[];
  };

  constructor(scope: Construct, id: string, props: ZonalStatefulSetProps) {
    super(scope, id);
    requestAppChecks(this);
    this.zones = checkZones(this, 'zones', props.zones);
    this.replicas = checkInteger(this, 'replicas', props.replicas ?? this.zones.length, 1, 1000);
    checkArray(this, 'containers', props.containers, () => undefined);
    if (props.containers.length === 0) invalid(this, 'containers', props.containers, 'at least one container');
    const containerProps = (this.containerProps = props.containers.map((c, i) =>
      resolveContainerProps(this, `containers[${i}]`, c, { init: false }),
    ));
    this.initProps =
      props.initContainers === undefined
        ? []
        : checkArray(this, 'initContainers', props.initContainers, () => undefined).map((_, i) =>
            resolveContainerProps(this, `initContainers[${i}]`, props.initContainers![i], { init: true }),
          );
    if ([...containerProps, ...this.initProps].every(isPlainContainer)) {
      this.plain = {
        containers: containerProps.map((c) => new PlainContainer(c, c.name ?? 'main')),
        initContainers: this.initProps.map((c, i) => new PlainContainer(c, c.name ?? `init-${i}`)),
      };
    } else {
      this.kplusContainers();
    }
    const names = [...this.views.initContainers, ...this.views.containers].map((c) => c.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate)
      invalid(this, 'containers', duplicate, 'a distinct name for every container and init container (set `name`)');
    this.claimTemplates = resolveClaimTemplates(this, props.volumeClaimTemplates ?? []);
    for (const [i, template] of this.claimTemplates.entries()) {
      for (const [j, name] of (template.containers ?? []).entries()) {
        if (!names.includes(name))
          invalid(
            this,
            `volumeClaimTemplates[${i}].containers[${j}]`,
            name,
            `one of the containers: ${names.join(', ')}`,
          );
      }
    }
    checkPreStopCommand(this, props.preStopCommand, containerProps[0]);
    checkStorageFollowsZones(this, this.zones, this.claimTemplates);
    const podManagementPolicy = checkOneOf(this, 'podManagementPolicy', props.podManagementPolicy ?? 'OrderedReady', [
      'OrderedReady',
      'Parallel',
    ]);
    const partition = checkInteger(this, 'partition', props.partition ?? 0, 0, this.replicas);
    const hostSpreading = checkOneOf(this, 'hostSpreading', props.hostSpreading ?? 'required', [
      'required',
      'preferred',
    ]);
    const grace = durationSeconds(
      this,
      'terminationGracePeriod',
      props.terminationGracePeriod,
      Duration.seconds(30),
      0,
      86400,
    );
    const claimRetention =
      props.claimRetention === undefined ? {} : checkRecord(this, 'claimRetention', props.claimRetention);
    const retention = {
      whenDeleted: checkOneOf(
        this,
        'claimRetention.whenDeleted',
        checkString(this, 'claimRetention.whenDeleted', claimRetention.whenDeleted ?? 'Retain'),
        ['Retain', 'Delete'],
      ),
      whenScaled: checkOneOf(
        this,
        'claimRetention.whenScaled',
        checkString(this, 'claimRetention.whenScaled', claimRetention.whenScaled ?? 'Retain'),
        ['Retain', 'Delete'],
      ),
    };
    const extraLabels = checkObjectLabels(this, 'labels', props.labels);
    const annotations = checkAnnotations(this, 'annotations', props.annotations);
    const scheduling = resolvePodScheduling(this, props, {}, { [ZONE_LABEL]: 'the zones prop places the replicas' });
    const env = checkExtraEnv(this, 'env', props.env);
    for (const container of [...this.views.initContainers, ...this.views.containers]) {
      const clash = env.find((e) => container.env.variables[e.name] !== undefined);
      if (clash)
        invalid(
          this,
          `env[${JSON.stringify(clash.name)}]`,
          clash.value,
          `unset: container ${container.name} sets it itself`,
        );
    }

    this.apiObject = new StatefulSetObject(
      this,
      'Resource',
      {
        metadata: metadata({
          name: props.name === undefined ? undefined : checkServiceName(this, 'name', props.name, MAX_NAME),
          annotations,
        }),
        spec: Lazy.any({ produce: () => this.renderSpec() }),
      },
      () => this.renderPodParts(),
    );
    this.name = this.apiObject.name;
    // A generated name is checked like a given one: it names the Service too.
    if (props.name === undefined) checkServiceName(this, 'name', this.name);
    if (this.name.length > MAX_NAME)
      invalid(
        this,
        'name',
        this.name,
        `at most ${MAX_NAME} characters (pods add "-<ordinal>" and revision labels a hash); set a shorter name`,
      );
    this.namespace = this.apiObject.metadata.namespace ?? Chart.of(this).namespace ?? 'default';
    this.serviceName = this.name;
    this.selectorLabels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/managed-by': 'aks-stateful' };
    this.apiObject.metadata.addLabel('app.kubernetes.io/name', this.name);
    for (const [key, value] of Object.entries(extraLabels)) this.apiObject.metadata.addLabel(key, value);

    const podLabels = { ...extraLabels, ...this.selectorLabels };
    this.specInputs = {
      podManagementPolicy,
      partition,
      hostSpreading,
      grace,
      retention,
      podLabels,
      preStopCommand: props.preStopCommand === undefined ? undefined : [...props.preStopCommand],
      serviceAccount: checkServiceAccount(this, props.serviceAccount),
      podSecurity: checkPodSecurity(this, props.podSecurity),
      scheduling,
      env,
    };

    this.service = new KubeService(this, 'Service', {
      metadata: metadata({ name: this.serviceName, labels: podLabels, annotations }),
      spec: {
        clusterIP: 'None',
        selector: { ...this.selectorLabels },
        publishNotReadyAddresses: checkBoolean(this, 'publishNotReadyAddresses', props.publishNotReadyAddresses, false),
        ports: Lazy.any({ produce: () => this.servicePorts() }),
      },
    });
    this.disruptionBudget = new KubePodDisruptionBudget(this, 'Budget', {
      // Named after the set, so that `kubectl get pdb` shows which set it protects.
      metadata: metadata({ name: this.name, labels: podLabels, annotations }),
      spec: { selector: { matchLabels: { ...this.selectorLabels } }, ...this.budget(props.disruptionBudget) },
    });
  }

  /**
   * The containers as cdk8s-plus Containers, for mounting further volumes or adding env before
   * synthesis. The first read loads cdk8s-plus and hands the rendering of every container to it.
   */
  public get containers(): kplus.Container[] {
    return this.kplusContainers().containers;
  }

  /** The init containers as cdk8s-plus Containers (see {@link containers}). */
  public get initContainers(): kplus.Container[] {
    return this.kplusContainers().initContainers;
  }

  /** DNS names of the replicas: `<name>-<i>.<service>.<namespace>.svc.cluster.local`. */
  public get podDnsNames(): string[] {
    return Array.from(
      { length: this.replicas },
      (_, i) => `${this.name}-${i}.${this.serviceName}.${this.namespace}.svc.cluster.local`,
    );
  }

  /** The containers as the set reads them, whichever renders them. */
  private get views(): { containers: readonly ContainerView[]; initContainers: readonly ContainerView[] } {
    return this.kplus ?? this.plain!;
  }

  private kplusContainers(): NonNullable<ZonalStatefulSet['kplus']> {
    if (this.kplus === undefined) {
      const rendering = new KplusPodRendering();
      this.kplus = {
        rendering,
        containers: this.containerProps.map((c) => rendering.addContainer(c)),
        initContainers: this.initProps.map((c) => rendering.addInitContainer(c)),
      };
      this.plain = undefined;
    }
    return this.kplus;
  }

  private budget(given: DisruptionBudget | undefined): {
    maxUnavailable?: QuantityValue;
    minAvailable?: QuantityValue;
  } {
    const budget: DisruptionBudget =
      given === undefined ? {} : (checkRecord(this, 'disruptionBudget', given) as DisruptionBudget);
    if (checkBoolean(this, 'disruptionBudget.quorum', budget.quorum, false)) {
      if (budget.maxUnavailable !== undefined)
        invalid(this, 'disruptionBudget.maxUnavailable', budget.maxUnavailable, 'unset when quorum is true');
      // A one- or two-member "quorum" budget would block every node drain.
      if (this.replicas < 3)
        invalid(
          this,
          'disruptionBudget.quorum',
          true,
          `false with ${this.replicas} replica(s): a quorum budget needs at least 3 replicas, or no drain could ever proceed`,
        );
      return { minAvailable: Math.floor(this.replicas / 2) + 1 };
    }
    const max = checkInteger(this, 'disruptionBudget.maxUnavailable', budget.maxUnavailable ?? 1, 1, this.replicas);
    return { maxUnavailable: max };
  }

  /**
   * The API server refuses a Service with several ports unless each is named; the headless Service
   * takes every container port. Checked at synthesis (ports may be added after construction), from
   * the StatefulSet's rendering so the error is not wrapped by cdk8s's Lazy resolution.
   */
  private checkServicePorts(): void {
    const all = this.views.containers.flatMap((c, i) => c.ports.map((p) => ({ container: i, port: p })));
    const unnamed = all.find((p) => p.port.name === undefined);
    if (all.length > 1 && unnamed) {
      invalid(
        this,
        `containers[${unnamed.container}].ports`,
        unnamed.port.number,
        'every port named (ports: [{ number, name }], not portNumber, when there are several): the headless Service takes every container port, and a Service with several ports must name each',
      );
    }
  }

  private servicePorts(): ServicePort[] | undefined {
    const ports = this.views.containers.flatMap((c) =>
      c.ports.map((p) => ({
        name: p.name,
        port: p.number,
        targetPort: p.number,
        protocol: p.protocol,
      })),
    );
    return ports.length > 0 ? ports : undefined;
  }

  /** A container as rendered (by the library or cdk8s-plus), with the claim mounts, the shared env and the preStop hook added. */
  private renderContainer(container: ContainerView, kube: Record<string, any>, isMain: boolean) {
    const mounts = this.claimTemplates
      .filter((t) => !t.containers || t.containers.includes(container.name))
      .map((t) => ({ name: t.name, mountPath: t.mountPath }));
    const preStop =
      isMain && this.specInputs.preStopCommand
        ? { preStop: { exec: { command: [...this.specInputs.preStopCommand] } } }
        : {};
    const env = [...(kube.env ?? []), ...this.specInputs.env];
    const volumeMounts = [...(kube.volumeMounts ?? []), ...mounts];
    const rendered = {
      ...kube,
      securityContext: withDroppedCapabilities(kube.securityContext),
      env: env.length > 0 ? env : undefined,
      volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
      lifecycle:
        kube.lifecycle || (isMain && this.specInputs.preStopCommand) ? { ...kube.lifecycle, ...preStop } : undefined,
    };
    return Object.fromEntries(Object.entries(rendered).filter(([, v]) => v !== undefined));
  }

  /** Two volumes on one path of a container: the API server refuses the pod. Checked at synthesis, after every `mount()`. */
  private checkMountPaths(): void {
    for (const container of [...this.views.initContainers, ...this.views.containers]) {
      const paths = new Map<string, string>();
      for (const mount of container.mounts)
        paths.set(mount.path, `a volume mounted with mount() (${mount.volume.name})`);
      for (const [i, t] of this.claimTemplates.entries()) {
        if (t.containers && !t.containers.includes(container.name)) continue;
        const taken = paths.get(t.mountPath);
        if (taken)
          invalid(
            this,
            `volumeClaimTemplates[${i}].mountPath`,
            t.mountPath,
            `a path no other volume of container ${container.name} uses (${taken} is mounted there)`,
          );
        paths.set(t.mountPath, `volumeClaimTemplates[${i}]`);
      }
    }
  }

  /** The prop a volume was mounted through: a container's `volumeMounts`, or `mount()` on `containers`. */
  private mountField(volume: string): string {
    for (const [list, prefix] of [
      [this.views.initContainers, 'initContainers'],
      [this.views.containers, 'containers'],
    ] as const) {
      const i = list.findIndex((c) => c.mounts.some((m) => m.volume.name === volume));
      if (i >= 0) return `${prefix}[${i}].volumeMounts (volume ${volume})`;
    }
    return `containers (volume ${volume})`;
  }

  /** Containers, init containers and their volumes (init containers' volumes first), rendered at synthesis. */
  private renderPodParts(): PodParts {
    const parts: RenderedPodParts = this.kplus
      ? this.kplus.rendering.render()
      : {
          containers: this.plain!.containers.map((c) => c.render()),
          initContainers: this.plain!.initContainers.map((c) => c.render()),
          volumes: [],
        };
    const { containers, initContainers } = this.views;
    this.checkMountPaths();
    this.checkServicePorts();
    checkPodVolumes(this, (_, name) => this.mountField(name), parts.volumes);
    const order = [...initContainers, ...containers].flatMap((c) => c.mounts.map((m) => m.volume.name));
    const volumes = [...parts.volumes].sort((a, b) => order.indexOf(String(a.name)) - order.indexOf(String(b.name)));
    return {
      initContainers:
        initContainers.length > 0
          ? initContainers.map((c, i) => this.renderContainer(c, parts.initContainers[i], false))
          : undefined,
      containers: containers.map((c, i) => this.renderContainer(c, parts.containers[i], i === 0)),
      volumes: volumes.length > 0 ? volumes : undefined,
    };
  }

  private renderSpec(): StatefulSetSpec {
    const s = this.specInputs;
    const security = s.podSecurity;
    const podSecurityContext: PodSecurityContext = {
      runAsNonRoot: security.runAsNonRoot ?? true,
      runAsUser: security.runAsUser,
      runAsGroup: security.runAsGroup,
      fsGroup: security.fsGroup,
      fsGroupChangePolicy: security.fsGroup === undefined ? undefined : 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    };
    return {
      replicas: this.replicas,
      serviceName: this.serviceName,
      podManagementPolicy: s.podManagementPolicy,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: s.partition } },
      persistentVolumeClaimRetentionPolicy: s.retention,
      selector: { matchLabels: { ...this.selectorLabels } },
      template: {
        metadata: { labels: s.podLabels },
        spec: {
          serviceAccountName: s.serviceAccount?.name,
          automountServiceAccountToken: s.serviceAccount !== undefined,
          terminationGracePeriodSeconds: s.grace,
          securityContext: podSecurityContext,
          nodeSelector: Object.keys(s.scheduling.nodeSelector).length > 0 ? s.scheduling.nodeSelector : undefined,
          tolerations: s.scheduling.tolerations,
          priorityClassName: s.scheduling.priorityClassName,
          affinity: mergeAffinity(
            zoneAffinity(this.zones, this.selectorLabels, s.hostSpreading),
            s.scheduling.affinity,
          ),
          topologySpreadConstraints: zoneSpread(this.selectorLabels),
          // Filled in by StatefulSetObject.toJson (renderPodParts).
          containers: [],
        },
      },
      volumeClaimTemplates:
        this.claimTemplates.length > 0
          ? this.claimTemplates.map((t) => renderClaimTemplate(t, { ...this.selectorLabels }))
          : undefined,
    };
  }
}

/** A command, as an array of arguments; one hook only (a container's own preStop or this prop). */
function checkPreStopCommand(scope: IConstruct, command: unknown, main: kplus.ContainerProps): void {
  if (command === undefined) return;
  if (checkStringArray(scope, 'preStopCommand', command).length === 0)
    invalid(scope, 'preStopCommand', command, 'a non-empty command');
  if (main.lifecycle?.preStop !== undefined)
    invalid(scope, 'preStopCommand', command, 'unset when containers[0].lifecycle.preStop is set (one preStop hook)');
}

/** A service account object; a plain string (its name) would otherwise be dropped and the default account used. */
function checkServiceAccount(scope: IConstruct, account: unknown): kplus.IServiceAccount | undefined {
  if (account === undefined) return undefined;
  const ok =
    account !== null &&
    typeof account === 'object' &&
    Construct.isConstruct(account) &&
    typeof (account as { name?: unknown }).name === 'string';
  if (!ok)
    invalid(
      scope,
      'serviceAccount',
      account,
      'a cdk8s-plus ServiceAccount (new ServiceAccount(...) or ServiceAccount.fromServiceAccountName(...)), not its name',
    );
  const sa = account as kplus.IServiceAccount;
  checkDnsSubdomain(scope, 'serviceAccount.name', sa.name);
  return sa;
}

function checkPodSecurity(scope: IConstruct, given: unknown): StatefulPodSecurity {
  if (given === undefined) return {};
  const security = checkRecord(scope, 'podSecurity', given);
  const known = ['fsGroup', 'runAsUser', 'runAsGroup', 'runAsNonRoot'];
  for (const key of Object.keys(security))
    if (!known.includes(key)) invalid(scope, `podSecurity.${key}`, security[key], `one of ${known.join(', ')}`);
  for (const key of ['fsGroup', 'runAsUser', 'runAsGroup'])
    if (security[key] !== undefined) checkSecurityId(scope, `podSecurity.${key}`, security[key]);
  const runAsNonRoot = checkOptionalBoolean(scope, 'podSecurity.runAsNonRoot', security.runAsNonRoot);
  if (security.runAsUser === 0 && runAsNonRoot !== false)
    invalid(scope, 'podSecurity.runAsUser', 0, 'a non-zero uid: uid 0 is root, which runAsNonRoot refuses');
  return security as StatefulPodSecurity;
}
