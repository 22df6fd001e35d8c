import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/** One Velero release this library installs, and the Azure plugin releases built against it. */
export interface VeleroRelease {
  /** Velero version, without the leading `v` (image tag `velero/velero:v<velero>`). */
  readonly velero: string;
  /**
   * velero-plugin-for-microsoft-azure versions compatible with it, newest first. The plugin's
   * README pairs plugin v1.14.x with Velero v1.18.x.
   */
  readonly azurePlugins: readonly string[];
  /** Names of the CustomResourceDefinitions `velero install --crds-only` creates for this release. */
  readonly crds: readonly string[];
}

const VELERO_1_18_CRDS = [
  'backuprepositories.velero.io',
  'backups.velero.io',
  'backupstoragelocations.velero.io',
  'datadownloads.velero.io',
  'datauploads.velero.io',
  'deletebackuprequests.velero.io',
  'downloadrequests.velero.io',
  'podvolumebackups.velero.io',
  'podvolumerestores.velero.io',
  'restores.velero.io',
  'schedules.velero.io',
  'serverstatusrequests.velero.io',
  'volumesnapshotlocations.velero.io',
] as const;

/**
 * The supported Velero / Azure plugin pairs, newest first. A pair outside this table is rejected
 * at synth: the plugin links Velero's own packages (go.mod of plugin v1.14 pins Velero v1.18), and
 * the manifests here are validated against the v1.18 CRDs.
 */
export const VELERO_RELEASES: readonly VeleroRelease[] = [
  { velero: '1.18.1', azurePlugins: ['1.14.0'], crds: VELERO_1_18_CRDS },
  { velero: '1.18.0', azurePlugins: ['1.14.0'], crds: VELERO_1_18_CRDS },
];

/** The Velero version installed when none is given. */
export const DEFAULT_VELERO_VERSION = '1.18.1';

/**
 * kubectl image tag used by the server's init container that waits for the CRD job
 * (the official image, published by the Kubernetes project since v1.28).
 */
export const KUBECTL_IMAGE_TAG = 'v1.33.5';

/** Default image repositories (Docker Hub for Velero, registry.k8s.io for kubectl). */
export const DEFAULT_IMAGE_REPOSITORIES = {
  velero: 'velero/velero',
  azurePlugin: 'velero/velero-plugin-for-microsoft-azure',
  kubectl: 'registry.k8s.io/kubectl',
} as const;

/** A Velero release and the plugin version chosen for it. */
export interface ResolvedVeleroRelease extends VeleroRelease {
  readonly azurePlugin: string;
}

const strip = (version: string) =>
  typeof version === 'string' && version.startsWith('v') ? version.slice(1) : version;

/** Finds the release and checks that the plugin is one paired with it. */
export function resolveVeleroRelease(
  scope: IConstruct,
  veleroVersion: string | undefined,
  pluginVersion: string | undefined,
): ResolvedVeleroRelease {
  const velero = strip(veleroVersion ?? DEFAULT_VELERO_VERSION);
  const release = VELERO_RELEASES.find((r) => r.velero === velero);
  if (!release) {
    invalid(
      scope,
      'veleroVersion',
      veleroVersion,
      `one of ${VELERO_RELEASES.map((r) => r.velero).join(', ')} (the releases whose CRDs and install shape this library follows)`,
    );
  }
  const plugin = strip(pluginVersion ?? release.azurePlugins[0]);
  if (!release.azurePlugins.includes(plugin)) {
    invalid(
      scope,
      'azurePluginVersion',
      pluginVersion,
      `a velero-plugin-for-microsoft-azure release paired with Velero ${release.velero}: ${release.azurePlugins.join(', ')} (plugin v1.14.x is built against Velero v1.18.x; other pairs fail at runtime)`,
    );
  }
  return { ...release, azurePlugin: plugin };
}

/** Job names carry the version (Job templates are immutable, so an upgrade is a new Job). */
export function versionSuffix(version: string): string {
  return `v${version.replace(/\./g, '-')}`;
}
