/**
 * The shell scripts the backup, restore and drill containers run, assembled from
 * lib/postgres/shell/*.sh at build time (scripts/assemble-shell.ts). They are constant text: every
 * parameter arrives through the environment (names, paths, credentials from Secrets), so nothing a
 * user passes is ever spliced into shell code, and the manifest shows exactly what runs. What each
 * script reads from its environment is listed in ./script-env.ts.
 */
export { DUMP_SCRIPT, UPLOAD_SCRIPT, FETCH_SCRIPT, RESTORE_SCRIPT, DRILL_SCRIPT } from './scripts.generated';
