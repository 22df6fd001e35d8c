import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

const ALLOWED =
  'one SQL query of at most 4096 characters that returns one row of one boolean, without backslashes (no psql meta-commands) or control characters other than tab and newline';

/**
 * Checks the drill's verification query at synth: text of at most 4096 characters, not blank,
 * without backslashes — a psql meta-command (`\!`, `\o`, `\g`) starts with one, and the query is SQL
 * only — and without control characters other than tab and newline (a NUL cannot travel in an
 * environment variable). That it is one statement returning one boolean is checked by the server
 * when the drill runs it (as a cursor: lib/postgres/scripts.ts), which no text check can do.
 */
export function checkVerificationQuery(scope: IConstruct, field: string, query: unknown): string {
  const ok =
    typeof query === 'string' &&
    query.trim().length > 0 &&
    query.length <= 4096 &&
    !query.includes('\\') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(query);
  if (!ok) invalid(scope, field, query, ALLOWED);
  return query as string;
}
