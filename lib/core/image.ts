import { IConstruct } from 'constructs';
import { invalid } from './errors';

// The reference grammar of the distribution spec (github.com/distribution/reference), reduced to what
// a pod's `image` may hold: a lowercase repository path with an optional registry host[:port], then a
// tag, a digest, or both. A digest pins the exact image; a tag alone may move.
const HOST = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const TAG = String.raw`[\w][\w.-]{0,127}`;
const DIGEST = String.raw`sha256:[a-f0-9]{64}`;
const REFERENCE = new RegExp(`^(${HOST}?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

const ALLOWED =
  'an image reference with a tag other than "latest" or a digest, e.g. "postgres:15.8", "mcr.microsoft.com/azure-cli:2.64.0" or "postgres@sha256:<64 hex digits>"';

/** The parts of a checked image reference. */
export interface ImageReference {
  /** The repository, with its registry when given (e.g. `mcr.microsoft.com/azure-cli`). */
  readonly repository: string;
  /** The tag, when given. */
  readonly tag?: string;
  /** The `sha256:` digest, when given: the image is then pinned. */
  readonly digest?: string;
}

/** Parses an image reference; undefined when it is not one. */
export function parseImageReference(image: string): ImageReference | undefined {
  const match = typeof image === 'string' && image.length <= 4096 ? REFERENCE.exec(image) : null;
  if (!match) return undefined;
  const [, repository, tag, digest] = match;
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Checks an image prop: a tag other than `latest` or a digest is required (`latest`, explicit or
 * implied by a missing tag, moves under a running StatefulSet). Pinning by digest (`repo@sha256:…` or
 * `repo:tag@sha256:…`) is accepted everywhere an image is taken.
 */
export function checkImage(scope: IConstruct | string, field: string, image: unknown): string {
  const reference = parseImageReference(image as string);
  const pinned =
    reference !== undefined && (reference.digest !== undefined || (reference.tag ?? 'latest') !== 'latest');
  if (!pinned) invalid(scope, field, image, ALLOWED);
  return image as string;
}
