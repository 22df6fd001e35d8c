import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DRILL_SCRIPT, DUMP_SCRIPT, FETCH_SCRIPT, RESTORE_SCRIPT, UPLOAD_SCRIPT } from '../../lib/backup/scripts';
import { longestGapDays } from '../../lib/backup/schedule';

const SCRIPTS = { dump: DUMP_SCRIPT, upload: UPLOAD_SCRIPT, fetch: FETCH_SCRIPT, restore: RESTORE_SCRIPT, drill: DRILL_SCRIPT };
const AZURE_CLI_SCRIPTS = { upload: UPLOAD_SCRIPT, fetch: FETCH_SCRIPT };

/** Lines that run something, without comments. */
function code(script: string): string {
  return script.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
}

describe('the job scripts', () => {
  it.each(Object.entries(SCRIPTS))('%s: is valid bash that fails on any error, unset variable or failed pipe stage', (step, script) => {
    expect(script.split('\n').slice(0, 2)).toEqual([`STEP=${step}`, 'set -Eeuo pipefail']);
    expect(script).toContain("trap 'log \"FAILED: command exited with status $? at line $LINENO: $BASH_COMMAND\"' ERR");
    expect(() => execFileSync('bash', ['-n', '-c', script], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(Object.entries(SCRIPTS))('%s: finds its folders through the environment and puts no credential on a command line', (_, script) => {
    expect(code(script)).not.toMatch(/\/scratch|\/tmp|\/var\/lib\/postgresql/);
    expect(code(script)).not.toMatch(/--account-key|--connection-string|--sas-token|--password|PGPASSWORD=|AccountKey=/);
    // Each credential is only ever tested for presence (libpq and az read them from the environment).
    const uses = (name: string) => code(script).split('\n').filter((line) => line.includes(name));
    for (const line of uses('PGPASSWORD')) expect(line).toMatch(/^\[\[ -n "\$\{PGPASSWORD-\}" \]\] \|\| fail "PGPASSWORD is empty|^unset PGPASSWORD /);
    for (const line of uses('AZURE_STORAGE_KEY')) expect(line.trim()).toMatch(/^\[\[ -n "\$\{AZURE_STORAGE_KEY-\}" \]\] \|\| fail "AZURE_STORAGE_KEY is empty/);
    // What the examples test treats as a leaked password must not appear in a manifest.
    expect(script).not.toMatch(/password:\s*\S+/i);
  });

  it.each(Object.entries(AZURE_CLI_SCRIPTS))('%s: needs nothing from the azure-cli image but bash and az', (_, script) => {
    const external = /(^|[|;&(]|\$\()\s*(cat|sha256sum|stat|date|grep|sed|awk|cut|wc|jq|python3?|curl|tr|head|tail|sort)\b/m;
    expect(code(script)).not.toMatch(external);
  });

  it('dumps in the custom format, reads the whole stream back, hashes and counts it while it is written, and marks it ready last', () => {
    const lines = code(DUMP_SCRIPT).split('\n');
    const at = (pattern: RegExp) => {
      const index = lines.findIndex((line) => pattern.test(line));
      expect(index, String(pattern)).toBeGreaterThan(0);
      return index;
    };
    // A failed dump leaves "failed" for the upload container, whatever the reason.
    expect(at(/^trap '\[\[ -f "\$SCRATCH_DIR\/ready" \]\] \|\| printf "failed\\n" > "\$SCRATCH_DIR\/failed"' EXIT$/)).toBeLessThan(at(/^pg_dump /));
    expect(at(/^pg_restore --file=\/dev\/null < read\.fifo &$/)).toBeLessThan(at(/^pg_dump /));
    const dump = at(/^pg_dump --format=custom --no-password \| tee hash\.fifo count\.fifo read\.fifo > backup\.partial \\$/);
    expect(lines[dump + 1]).toMatch(/^\s+\|\| \{ status=\("\$\{PIPESTATUS\[@\]\}"\); fail "pg_dump exited with status/);
    const waited = at(/^wait "\$reader" \|\| fail "the archive cannot be read back in full/);
    expect(waited).toBeGreaterThan(dump);
    expect(at(/^wait "\$hasher" \|\| fail/)).toBeGreaterThan(dump);
    expect(at(/^wait "\$counter" \|\| fail/)).toBeGreaterThan(dump);
    const sized = at(/^\(\( size == streamed \)\) \|\| fail/);
    const listed = at(/^pg_restore --list backup\.partial > toc\.list$/);
    const moved = at(/^mv backup\.partial backup\.dump$/);
    expect(moved).toBeGreaterThan(Math.max(waited, sized, listed));
    // The upload step's go-ahead is written last.
    expect(at(/^printf 'ok\\n' > ready$/)).toBeGreaterThan(moved);
  });

  it('uploads only after the dump container marked the archive ready, and never after it failed', () => {
    const body = code(UPLOAD_SCRIPT);
    const waiting = body.indexOf('until [[ -f "$SCRATCH_DIR/ready" || -f "$SCRATCH_DIR/failed" ]]; do');
    const gate = body.indexOf('[[ ! -f "$SCRATCH_DIR/failed" && -f "$SCRATCH_DIR/ready" && -f "$SCRATCH_DIR/backup.dump" ]]');
    expect(waiting).toBeGreaterThan(0);
    expect(gate).toBeGreaterThan(waiting);
    expect(body.indexOf('az storage blob upload')).toBeGreaterThan(gate);
    expect(body).toContain('(( SECONDS < DUMP_WAIT_SECONDS )) || fail');
  });

  it('signs in to workload identity again after waiting for the dump, since a token read before a long dump may have expired', () => {
    const body = code(UPLOAD_SCRIPT);
    const waitEnds = body.indexOf('nothing was uploaded');
    const relogin = body.indexOf('if [[ $AUTH_MODE == workloadIdentity ]]; then storage_login; fi');
    expect(waitEnds).toBeGreaterThan(0);
    expect(relogin).toBeGreaterThan(waitEnds);
    expect(relogin).toBeLessThan(body.indexOf('az storage blob upload'));
  });

  it('uploads a block blob with its metadata from the file, refusing to replace an existing blob', () => {
    expect(UPLOAD_SCRIPT).toMatch(/az storage blob upload "\$\{storage\[@\]\}" .*\n\s+--file "\$SCRATCH_DIR\/backup\.dump" --type block --metadata "\$\{metadata\[@\]\}" \\\n\s+--if-none-match '\*'/);
    expect(UPLOAD_SCRIPT).not.toMatch(/--overwrite|--data/);
  });

  it('restores only after the size and checksum match, in one transaction', () => {
    const body = code(RESTORE_SCRIPT);
    expect(body.indexOf('verify_fetched_dump\n')).toBeLessThan(body.indexOf('pg_restore "${options[@]}"'));
    expect(body).toContain('options=(--exit-on-error --single-transaction --no-password)');
    expect(body).toContain('--clean --if-exists');
    expect(code(DRILL_SCRIPT).indexOf('verify_fetched_dump\n')).toBeLessThan(code(DRILL_SCRIPT).indexOf('initdb'));
  });
});

describe('longest gap between scheduled runs', () => {
  it.each([
    ['30 2 * * *', 1], ['*/15 * * * *', 1], ['@hourly', 1], ['@daily', 1], ['@weekly', 7], ['@monthly', 31], ['@yearly', 366],
    ['0 3 * * 0', 7], ['0 3 * * 7', 7], ['0 3 * * 1-5', 3], ['0 3 * * mon,thu', 4], ['0 3 * * */2', 2], ['0 3 * * 1/2', 3], ['0 3 * * 5-7', 5],
    ['0 3 1 * *', 31], ['0 3 1,15 * *', 31], ['0 3 * 6 *', 366], ['0 3 * */1 *', 1],
  ])('%j: %i day(s)', (schedule, days) => {
    expect(longestGapDays(schedule)).toBe(days);
  });
});
