import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRILL_SCRIPT, DUMP_SCRIPT, FETCH_SCRIPT, RESTORE_SCRIPT, UPLOAD_SCRIPT } from '../../lib/postgres/scripts';
import { longestGapDays } from '../../lib/backup/schedule';

const SCRIPTS = {
  dump: DUMP_SCRIPT,
  upload: UPLOAD_SCRIPT,
  fetch: FETCH_SCRIPT,
  restore: RESTORE_SCRIPT,
  drill: DRILL_SCRIPT,
};
const AZURE_CLI_SCRIPTS = { upload: UPLOAD_SCRIPT, fetch: FETCH_SCRIPT };

/** Lines that run something, without comments. */
function code(script: string): string {
  return script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

describe('the job scripts', () => {
  it.each(Object.entries(SCRIPTS))(
    '%s: is valid bash that fails on any error, unset variable or failed pipe stage',
    (step, script) => {
      expect(script.split('\n').slice(0, 2)).toEqual([`STEP=${step}`, 'set -Eeuo pipefail']);
      expect(script).toContain(
        'trap \'log "FAILED: command exited with status $? at line $LINENO: $BASH_COMMAND"\' ERR',
      );
      expect(() => execFileSync('bash', ['-n', '-c', script], { stdio: 'pipe' })).not.toThrow();
    },
  );

  it.each(Object.entries(SCRIPTS))(
    '%s: finds its folders through the environment and puts no credential on a command line',
    (_, script) => {
      expect(code(script)).not.toMatch(/\/scratch|\/tmp|\/var\/lib\/postgresql/);
      expect(code(script)).not.toMatch(
        /--account-key|--connection-string|--sas-token|--password|PGPASSWORD=|AccountKey=/,
      );
      // Each credential is only ever tested for presence (libpq and az read them from the environment).
      const uses = (name: string) =>
        code(script)
          .split('\n')
          .filter((line) => line.includes(name));
      for (const line of uses('PGPASSWORD'))
        expect(line).toMatch(/^\[\[ -n "\$\{PGPASSWORD-\}" \]\] \|\| fail "PGPASSWORD is empty|^unset PGPASSWORD /);
      for (const line of uses('AZURE_STORAGE_KEY'))
        expect(line.trim()).toMatch(/^\[\[ -n "\$\{AZURE_STORAGE_KEY-\}" \]\] \|\| fail "AZURE_STORAGE_KEY is empty/);
      // What the examples test treats as a leaked password must not appear in a manifest.
      expect(script).not.toMatch(/password:\s*\S+/i);
    },
  );

  it.each(Object.entries(AZURE_CLI_SCRIPTS))(
    '%s: needs nothing from the azure-cli image but bash and az',
    (_, script) => {
      const external =
        /(^|[|;&(]|\$\()\s*(cat|sha256sum|stat|date|grep|sed|awk|cut|wc|jq|python3?|curl|tr|head|tail|sort)\b/m;
      expect(code(script)).not.toMatch(external);
    },
  );

  it('dumps in the custom format, reads the whole stream back, hashes and counts it while it is written, and marks it ready last', () => {
    const lines = code(DUMP_SCRIPT).split('\n');
    const at = (pattern: RegExp) => {
      const index = lines.findIndex((line) => pattern.test(line));
      expect(index, String(pattern)).toBeGreaterThan(0);
      return index;
    };
    // A failed dump leaves "failed" for the upload container, whatever the reason.
    expect(
      at(/^trap '\[\[ -f "\$SCRATCH_DIR\/ready" \]\] \|\| printf "failed\\n" > "\$SCRATCH_DIR\/failed"' EXIT$/),
    ).toBeLessThan(at(/^pg_dump /));
    expect(at(/^pg_restore --file=\/dev\/null < read\.fifo &$/)).toBeLessThan(at(/^pg_dump /));
    const dump = at(
      /^pg_dump --format=custom --no-password \| tee hash\.fifo count\.fifo read\.fifo > backup\.partial \\$/,
    );
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
    const gate = body.indexOf(
      '[[ ! -f "$SCRATCH_DIR/failed" && -f "$SCRATCH_DIR/ready" && -f "$SCRATCH_DIR/backup.dump" ]]',
    );
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
    expect(UPLOAD_SCRIPT).toMatch(
      /az storage blob upload "\$\{storage\[@\]\}" .*\n\s+--file "\$SCRATCH_DIR\/backup\.dump" --type block --metadata "\$\{metadata\[@\]\}" \\\n\s+--if-none-match '\*'/,
    );
    expect(UPLOAD_SCRIPT).not.toMatch(/--overwrite|--data/);
  });

  it('commits a streamed restore only after the stream ended, was read in full and matches the recorded size and checksum', () => {
    const body = code(RESTORE_SCRIPT);
    const start = body.indexOf('stream_restore_pipeline() {');
    const fn = body.slice(start, body.indexOf('\n}\n', start));
    const at = (text: string) => {
      const index = fn.indexOf(text);
      expect(index, text).toBeGreaterThan(0);
      return index;
    };
    const restore = at('| pg_restore "$@" --single-transaction --file=- | hold_back_commit');
    expect(fn).toContain('tee "$SCRATCH_DIR/hash.fifo" "$SCRATCH_DIR/count.fifo" < "$SCRATCH_DIR/dump.fifo" \\');
    // The script sends no BEGIN of its own: pg_restore's single transaction is the only one.
    expect(fn).not.toContain('BEGIN');
    const sized = at('[[ $size == "${fetched[size]}" ]] \\');
    const hashed = at('[[ $sha == "${fetched[sha256]}" ]] \\');
    const commit = at("printf 'COMMIT;\\n'");
    expect(restore).toBeLessThan(at('(( status[0] == 0 && status[1] == 0 && status[2] == 0 ))'));
    expect(restore).toBeLessThan(at('wait "$hasher" || fail'));
    expect(Math.max(sized, hashed, at('wait "$counter" || fail'))).toBeLessThan(commit);
    // COMMIT is printed once, and psql stops at the first error (which ends the transaction unpublished).
    expect(fn.split("printf 'COMMIT;\\n'")).toHaveLength(2);
    expect(fn).toContain('} | psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$target" > /dev/null');
  });

  it('restores and drills only through the verified stream, after the fetch container recorded the checksum', () => {
    for (const script of [RESTORE_SCRIPT, DRILL_SCRIPT]) {
      const body = code(script).slice(code(script).indexOf('\n: "${SCRATCH_DIR:?}"'));
      expect(body.indexOf('open_stream\n')).toBeGreaterThan(0);
      expect(body.indexOf('await_fetch\n')).toBeGreaterThan(body.indexOf('open_stream\n'));
      expect(body.indexOf('stream_restore ')).toBeGreaterThan(body.indexOf('await_fetch\n'));
      expect(body).not.toMatch(/pg_restore .*--dbname/);
    }
    expect(code(RESTORE_SCRIPT)).toContain(
      'stream_restore "$target" "${options[@]}" --clean --if-exists || fail "the restore did not commit: $target is unchanged"',
    );
    // In the background and waited for, so that the Job deadline's TERM is handled at once.
    expect(code(RESTORE_SCRIPT)).toContain(
      'stream_restore() {\n  local pid\n  stream_restore_pipeline "$@" &\n  pid=$!\n  wait "$pid"\n}',
    );
  });

  it('streams the dump only after recording its checksum for the restore, and stops when the restore is gone', () => {
    const body = code(FETCH_SCRIPT);
    const recorded = body.indexOf('printf \'ok\\n\' > "$SCRATCH_DIR/fetched.ready"');
    const download = body.indexOf('az storage blob download');
    expect(recorded).toBeGreaterThan(body.indexOf('records no sha256'));
    expect(download).toBeGreaterThan(recorded);
    expect(body.slice(download)).toMatch(
      /^az storage blob download [^\n]*\\\n\s+--no-progress --only-show-errors > "\$SCRATCH_DIR\/dump\.fifo" &$/m,
    );
    expect(body.slice(download)).toContain('if [[ -f "$SCRATCH_DIR/restore-exited" ]] && (( ++grace > 50 )); then');
    expect(body).toContain(
      `trap '[[ -f "$SCRATCH_DIR/fetched.ready" ]] || printf "failed\\n" > "$SCRATCH_DIR/fetch-failed"' EXIT`,
    );
  });
});

describe("holding back pg_restore's COMMIT", () => {
  /** Runs the restore script's hold_back_commit on `input`; returns its output, exit status and errors. */
  function hold(input: string): { status: number; output: string; error: string } {
    const helpers = RESTORE_SCRIPT.slice(0, RESTORE_SCRIPT.indexOf('\n: "${SCRATCH_DIR:?}"'));
    const result = spawnSync('bash', ['-c', `${helpers}\nhold_back_commit`], {
      input,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { status: result.status ?? -1, output: result.stdout, error: result.stderr };
  }
  const tail = '\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbC123\n\n';

  it('passes everything but the final COMMIT and what follows it, even a data row that reads COMMIT;', () => {
    const sql = 'BEGIN;\n\nCOPY public.t (a) FROM stdin;\nCOMMIT;\n\\.\n\nSELECT pg_catalog.lo_close(0);\n\nCOMMIT;\n';
    expect(hold(sql + tail)).toEqual({
      status: 0,
      output: 'BEGIN;\n\nCOPY public.t (a) FROM stdin;\nCOMMIT;\n\\.\n\nSELECT pg_catalog.lo_close(0);\n\n',
      error: '',
    });
  });

  it('streams large output unchanged up to the final COMMIT', () => {
    const body = `BEGIN;\nCOPY public.t (a) FROM stdin;\n${'x'.repeat(100).concat('\n').repeat(30_000)}\\.\n`;
    const result = hold(`${body}COMMIT;\n${tail}`);
    expect(result.status).toBe(0);
    expect(result.output.length).toBe(body.length);
    expect(result.output === body).toBe(true);
  });

  it('fails when there is no final COMMIT, or anything but comments follows it', () => {
    const none = hold('BEGIN;\nCREATE TABLE t ();\n');
    expect(none.status).not.toBe(0);
    expect(none.error).toContain('pg_restore wrote no final COMMIT\n');
    const more = hold('BEGIN;\nCOMMIT;\nDROP TABLE t;\n');
    expect(more.status).not.toBe(0);
    expect(more.error).toContain('pg_restore wrote more after its COMMIT: DROP TABLE t;\n');
  });
});

describe('priming az', () => {
  /** Runs the upload script's prime_az with the given AZURE_CLI_VERSION in a fresh config folder. */
  function prime(version: string | undefined, existing?: string): string | undefined {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-az-'));
    try {
      if (existing !== undefined) fs.writeFileSync(path.join(dir, 'commandIndex.json'), existing);
      const helpers = UPLOAD_SCRIPT.slice(0, UPLOAD_SCRIPT.indexOf('\n: "${SCRATCH_DIR:?}"'));
      execFileSync('bash', ['-c', `${helpers}\nprime_az`], {
        env: {
          PATH: process.env.PATH,
          AZURE_CONFIG_DIR: dir,
          ...(version === undefined ? {} : { AZURE_CLI_VERSION: version }),
        },
        stdio: 'pipe',
      });
      const file = path.join(dir, 'commandIndex.json');
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('writes a command index for az storage and az login, for the version of the image tag', () => {
    expect(JSON.parse(prime('2.77.0')!)).toEqual({
      version: '2.77.0',
      cloudProfile: 'latest',
      commandIndex: { storage: ['azure.cli.command_modules.storage'], login: ['azure.cli.command_modules.profile'] },
    });
  });

  it('leaves az alone when the version is unknown or malformed, or az already has an index', () => {
    expect(prime(undefined)).toBeUndefined();
    expect(prime('2.77')).toBeUndefined();
    expect(prime('2.77.0", "x": "y')).toBeUndefined();
    expect(prime('2.77.0', '{"mine": true}')).toBe('{"mine": true}');
  });
});

describe('longest gap between scheduled runs', () => {
  it.each([
    ['30 2 * * *', 1],
    ['*/15 * * * *', 1],
    ['@hourly', 1],
    ['@daily', 1],
    ['@weekly', 7],
    ['@monthly', 31],
    ['@yearly', 366],
    ['0 3 * * 0', 7],
    ['0 3 * * 1-5', 3],
    ['0 3 * * mon,thu', 4],
    ['0 3 * * */2', 2],
    ['0 3 * * 1/2', 3],
    ['0 3 * * 5-6', 6],
    ['0 3 1 * *', 31],
    ['0 3 1,15 * *', 31],
    ['0 3 * 6 *', 366],
    ['0 3 * */1 *', 1],
  ])('%j: %i day(s)', (schedule, days) => {
    expect(longestGapDays(schedule)).toBe(days);
  });
});
