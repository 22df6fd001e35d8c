import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** What one ConfigMap holds: the API server refuses more than 1 MiB of data (keys and values together). */
export const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/** Refuses data that would not fit one ConfigMap. */
export function checkConfigMapSize(scope: IConstruct, field: string, data: Record<string, string>): void {
  const bytes = Object.entries(data).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8'),
    0,
  );
  if (bytes > MAX_CONFIG_MAP_BYTES)
    invalid(
      scope,
      field,
      `${bytes} bytes`,
      `at most ${MAX_CONFIG_MAP_BYTES} bytes in all (1 MiB, what one ConfigMap holds); load larger data from a volume or a Job`,
    );
}
