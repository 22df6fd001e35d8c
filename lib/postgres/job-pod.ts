import { Duration } from 'cdk8s';
import { Container, EnvVar, PodSpec, ResourceRequirements } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { restrictedContainerSecurity } from '../core/container-security';
import { invalid } from '../core/errors';
import { durationSeconds } from '../core/duration';
import { ContainerResources, renderResources, resolveResources } from '../core/resources';
import { SizeInput, StorageSize } from '../core/storage-size';
import { POSTGRES_UID } from '../core/well-known';
import { checkInteger } from '../core/values';
import { checkImage, parseImageReference } from '../core/image';

/** The Azure CLI image the upload and download steps run: Azure Linux based, pinned by tag. */
export const AZURE_CLI_IMAGE = 'mcr.microsoft.com/azure-cli:2.77.0';

/** uid/gid the jobs run as: `postgres` in the official Debian-based images; the az steps run as it too. */
export const JOB_UID = POSTGRES_UID;

/** Where the scratch emptyDir (the dump) is mounted in every container. */
export const SCRATCH_DIR = '/scratch';
/** Where the small writable emptyDir for HOME and the az configuration is mounted. */
export const TMP_DIR = '/tmp';

/**
 * CPU and memory of one job container: the library's one resources model. No CPU limit is set by
 * default, since throttling only makes the job slower.
 */
export type JobContainerResources = ContainerResources;

/** Renders a container's resources, with the scratch volume's size as its ephemeral-storage request. */
export function renderJobResources(
  scope: IConstruct,
  field: string,
  given: JobContainerResources | undefined,
  defaults: {
    readonly cpuRequest: string;
    readonly memoryRequest: string;
    readonly memoryLimit: string;
    readonly scratch?: StorageSize;
  },
): ResourceRequirements {
  const { scratch, ...base } = defaults;
  const resolved = resolveResources(
    scope,
    field,
    given,
    { ...base, ...(scratch ? { ephemeralStorageRequest: scratch } : {}) },
    { minMemoryLimit: { size: '128Mi', reason: 'az and the PostgreSQL tools need it' } },
  );
  return renderResources(resolved);
}

/**
 * Checks a PostgreSQL client image and returns its major version (from the tag): Debian-based
 * (`postgres:17`, `postgres:17.2-bookworm`), since the jobs run as uid 999, which only those images
 * know. The library's one image rule applies (lib/core/image.ts): a tag other than `latest`, or a
 * digest; a digest may follow the tag to pin the image (`postgres:17.2@sha256:<64 hex digits>`).
 * The tag is still needed here, since it tells the major version the client must have.
 */
export function checkPostgresImage(
  scope: IConstruct,
  field: string,
  image: string,
  minimumMajor: number,
  reason: string,
): number {
  checkImage(scope, field, image);
  const reference = parseImageReference(image)!;
  const example = `"postgres:${minimumMajor}" or "postgres:${minimumMajor}.6-bookworm" (a digest may follow: "postgres:${minimumMajor}.6@sha256:…")`;
  if (/alpine/.test(reference.tag ?? '')) {
    invalid(
      scope,
      field,
      image,
      `a Debian-based postgres image (e.g. ${example}): the Alpine images have no user 999, which these jobs run as`,
    );
  }
  const tag = /^(\d+)(?:[.-][\w.-]*)?$/.exec(reference.tag ?? '');
  if (!tag)
    invalid(scope, field, image, `an image whose tag starts with the PostgreSQL major version, e.g. ${example}`);
  const major = Number(tag[1]);
  if (major < minimumMajor)
    invalid(scope, field, image, `a postgres image of major ${minimumMajor} or newer: ${reason}`);
  return major;
}

/** Checks a count (backoff limit, history limit). */
export function checkCount(
  scope: IConstruct,
  field: string,
  value: number | undefined,
  fallback: number,
  max: number,
): number {
  return checkInteger(scope, field, value ?? fallback, 0, max);
}

/**
 * The az version an azure-cli image tag names (`mcr.microsoft.com/azure-cli:2.77.0` → `2.77.0`), if
 * it names one; undefined for an image pinned by digest only (the scripts then let az index itself).
 */
export function azureCliVersion(image: string): string | undefined {
  const tag = parseImageReference(image)?.tag;
  return tag !== undefined && /^\d+\.\d+\.\d+$/.test(tag) ? tag : undefined;
}

/** A container running one of the scripts with bash: non-root, read-only root, nothing but the given env. */
export function scriptContainer(spec: {
  readonly name: string;
  readonly image: string;
  readonly script: string;
  readonly env: EnvVar[];
  readonly resources: ResourceRequirements;
  readonly azureCli?: boolean;
}): Container {
  const base: EnvVar[] = [
    { name: 'SCRATCH_DIR', value: SCRATCH_DIR },
    { name: 'HOME', value: TMP_DIR },
  ];
  const azVersion = spec.azureCli ? azureCliVersion(spec.image) : undefined;
  const az: EnvVar[] = spec.azureCli
    ? [
        // The writable emptyDir itself, so that the scripts can write az's command index before az creates the folder.
        { name: 'AZURE_CONFIG_DIR', value: TMP_DIR },
        { name: 'AZURE_CORE_COLLECT_TELEMETRY', value: 'false' },
        ...(azVersion ? [{ name: 'AZURE_CLI_VERSION', value: azVersion }] : []),
      ]
    : [];
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['bash', '-c'],
    args: [spec.script],
    env: [...base, ...az, ...spec.env],
    resources: spec.resources,
    securityContext: restrictedContainerSecurity(),
    volumeMounts: [
      { name: 'scratch', mountPath: SCRATCH_DIR },
      { name: 'tmp', mountPath: TMP_DIR },
    ],
  };
}

/** The pod of a backup, restore or drill Job: runs once, as uid 999, with a size-limited scratch volume. */
export function jobPodSpec(spec: {
  readonly containers: Container[];
  readonly scratch: StorageSize;
  readonly serviceAccountName?: string;
}): PodSpec {
  return {
    restartPolicy: 'Never',
    ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsUser: JOB_UID,
      runAsGroup: JOB_UID,
      runAsNonRoot: true,
      fsGroup: JOB_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    containers: spec.containers,
    volumes: [
      // The dump never touches a persistent disk; the kubelet evicts the pod if it outgrows the limit.
      { name: 'scratch', emptyDir: { sizeLimit: spec.scratch.toString() } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ],
  };
}

/** Checks the scratch volume size (at least 1Mi; at most 16Ti). */
export function scratchSize(scope: IConstruct, value: SizeInput | undefined, fallback: string): StorageSize {
  const size = StorageSize.from(value ?? fallback, scope, 'scratchSize');
  if (size.isSmallerThan(StorageSize.mebibytes(1)) || StorageSize.tebibytes(16).isSmallerThan(size)) {
    invalid(scope, 'scratchSize', size.toString(), 'a size from 1Mi to 16Ti');
  }
  return size;
}

/** The Job fields every backup, restore and drill Job sets, resolved from its props. */
export interface JobLimits {
  readonly activeDeadlineSeconds: number;
  readonly ttlSecondsAfterFinished: number;
  readonly backoffLimit: number;
}

/** Resolves `activeDeadline`, `ttlAfterFinished` and `backoffLimit`; defaults differ per construct. */
export function jobLimits(
  scope: IConstruct,
  props: {
    readonly activeDeadline?: Duration;
    readonly ttlAfterFinished?: Duration;
    readonly backoffLimit?: number;
  },
  defaults: { readonly activeDeadline: Duration; readonly backoffLimit: number },
): JobLimits {
  return {
    activeDeadlineSeconds: durationSeconds(
      scope,
      'activeDeadline',
      props.activeDeadline,
      defaults.activeDeadline,
      60,
      7 * 86400,
    ),
    ttlSecondsAfterFinished: durationSeconds(
      scope,
      'ttlAfterFinished',
      props.ttlAfterFinished,
      Duration.days(7),
      0,
      365 * 86400,
    ),
    backoffLimit: checkCount(scope, 'backoffLimit', props.backoffLimit, defaults.backoffLimit, 10),
  };
}

/** The CronJob fields the backup and the drill share, resolved from their props. */
export interface CronJobLimits {
  readonly startingDeadlineSeconds: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** Resolves `startingDeadline` (1 h) and the history limits (3 each). */
export function cronJobLimits(
  scope: IConstruct,
  props: {
    readonly startingDeadline?: Duration;
    readonly successfulJobsHistoryLimit?: number;
    readonly failedJobsHistoryLimit?: number;
  },
): CronJobLimits {
  return {
    startingDeadlineSeconds: durationSeconds(
      scope,
      'startingDeadline',
      props.startingDeadline,
      Duration.hours(1),
      10,
      7 * 86400,
    ),
    successfulJobsHistoryLimit: checkCount(
      scope,
      'successfulJobsHistoryLimit',
      props.successfulJobsHistoryLimit,
      3,
      100,
    ),
    failedJobsHistoryLimit: checkCount(scope, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit, 3, 100),
  };
}

/** The recommended labels of a backup, restore or drill (`app` e.g. `postgres-backup`). */
export function jobLabels(app: string, component: string, instance: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'aks-stateful',
  };
}
