import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkImage, parseImageReference } from '../core/image';
import { checkRecord } from '../core/types';
import { DEFAULT_IMAGE_REPOSITORIES, KUBECTL_IMAGE_TAG, ResolvedVeleroRelease } from './versions';

/** Image repositories, without tags (tags come from the version table so the pair stays matched). */
export interface ArkImageRepositories {
  /** Velero server, node agent and CRD job. @default 'velero/velero' */
  readonly velero?: string;
  /** The Azure plugin. @default 'velero/velero-plugin-for-microsoft-azure' */
  readonly azurePlugin?: string;
  /** kubectl for the init container that waits for the CRD job (tag v1.33.5). @default 'registry.k8s.io/kubectl' */
  readonly kubectl?: string;
}

/**
 * Digests that pin the images (`sha256:` and 64 hex digits, as `docker buildx imagetools inspect`
 * or `crane digest` print them for the tag). The image is then rendered `<repository>:<tag>@<digest>`:
 * the kubelet pulls exactly that image, and the tag stays in the reference for humans and for
 * the version checks. Give the digest of the tag this library renders (`v<veleroVersion>`,
 * `v<azurePluginVersion>`, kubectl `v1.33.5`) in the repository you pull from: a digest of another
 * tag runs other code than the version table says.
 */
export interface ArkImageDigests {
  /** Digest of the Velero image (server, node agent and CRD job). @default none: the tag alone */
  readonly velero?: string;
  /** Digest of the Azure plugin image. @default none: the tag alone */
  readonly azurePlugin?: string;
  /** Digest of the kubectl image. @default none: the tag alone */
  readonly kubectl?: string;
}

/** The three images an installation runs, as rendered. */
export interface ArkImages {
  readonly velero: string;
  readonly azurePlugin: string;
  readonly kubectl: string;
}

type ImageKey = keyof ArkImages;
const KEYS: readonly ImageKey[] = ['velero', 'azurePlugin', 'kubectl'];
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A record prop whose keys are some of {@link KEYS}; a typo would otherwise be ignored. */
function checkImageKeys(scope: IConstruct, field: string, value: unknown): Partial<Record<ImageKey, unknown>> {
  if (value === undefined) return {};
  const record = checkRecord(scope, field, value);
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key as ImageKey)) invalid(scope, `${field}.${key}`, record[key], `one of ${KEYS.join(', ')}`);
  }
  return record;
}

/** An image repository without tag or digest: the tag always comes from the version table. */
function checkRepository(scope: IConstruct, field: string, value: unknown): string {
  const reference = parseImageReference(value as string);
  if (!reference || reference.repository !== value) {
    invalid(
      scope,
      field,
      value,
      'an image repository without tag or digest, like "myregistry.azurecr.io/velero/velero": the tag comes from veleroVersion / azurePluginVersion so the pair stays matched; pin with imageDigests',
    );
  }
  return reference.repository;
}

/** Resolves the `images` and `imageDigests` props into the three image references, each checked by the core image rule. */
export function resolveArkImages(
  scope: IConstruct,
  release: ResolvedVeleroRelease,
  images: ArkImageRepositories | undefined,
  digests: ArkImageDigests | undefined,
): ArkImages {
  const repositories = checkImageKeys(scope, 'images', images);
  const pins = checkImageKeys(scope, 'imageDigests', digests);
  const tags: Record<ImageKey, string> = {
    velero: `v${release.velero}`,
    azurePlugin: `v${release.azurePlugin}`,
    kubectl: KUBECTL_IMAGE_TAG,
  };
  const resolve = (key: ImageKey): string => {
    const given = repositories[key];
    const repository =
      given === undefined ? DEFAULT_IMAGE_REPOSITORIES[key] : checkRepository(scope, `images.${key}`, given);
    const digest = pins[key];
    if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) {
      invalid(scope, `imageDigests.${key}`, digest, 'a digest: "sha256:" and 64 lowercase hex digits');
    }
    return checkImage(scope, `images.${key}`, `${repository}:${tags[key]}${digest ? `@${digest}` : ''}`);
  };
  return { velero: resolve('velero'), azurePlugin: resolve('azurePlugin'), kubectl: resolve('kubectl') };
}
