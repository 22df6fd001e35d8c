import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFunctions, withFakePrograms } from './run-functions';

describe('the two user delegation SASes of workload identity (delegation_sas_pair)', () => {
  /**
   * Runs delegation_sas_pair with an az on PATH that records each command line, waits (up to 10 s)
   * until both az processes have started, so that two calls one after another fail, then prints a
   * SAS naming its blob, or fails for the blob named in FAIL_BLOB.
   */
  function pair(failBlob = '') {
    return withFakePrograms(
      (dir) => ({
        az: [
          `dir=${JSON.stringify(dir)}`,
          'for ((i = 1; i <= $#; i++)); do if [[ ${!i} == --name ]]; then j=$((i + 1)); name=${!j}; fi; done',
          `printf '%s\\n' "$@" > "$dir/argv.\${name//\\//_}"`,
          ': > "$dir/started.$$"',
          'for ((t = 0; t < 200; t++)); do',
          '  started=("$dir"/started.*)',
          '  ((${#started[@]} == 2)) && break',
          '  sleep 0.05',
          'done',
          '((${#started[@]} == 2)) || { echo "ERROR: the other az never started" >&2; exit 1; }',
          '[[ $name != "$FAIL_BLOB" ]] || { echo "ERROR: AuthorizationPermissionMismatch" >&2; exit 1; }',
          'printf "se=2031&sp=x&sv=2021-06-08&sr=b&skoid=o&sig=for-%s\\n" "${name//\\//_}"',
        ],
      }),
      (dir, PATH) => {
        const r = runFunctions(
          ['common', 'azure'],
          [
            'begin_script',
            'storage=(--account-name acct01 --auth-mode login)',
            // As upload.sh calls it.
            'pair=$(delegation_sas_pair 2031-05-06T07:08Z "p/x.dump" rcw "p/x.globals.sql" cw --https-only) || fail "no SASes"',
            'printf "%s\\n" "$pair"',
          ].join('\n'),
          { env: { PATH, BLOB_CONTAINER: 'dumps', FAIL_BLOB: failBlob } },
        );
        const argv = (name: string) => fs.readFileSync(path.join(dir, `argv.${name}`), 'utf8').split('\n');
        return { ...r, dump: argv('p_x.dump'), globals: argv('p_x.globals.sql') };
      },
    );
  }

  it('runs both az calls at once and prints their SASes in the order asked', () => {
    const r = pair();
    expect(r).toMatchObject({
      status: 0,
      stdout:
        'se=2031&sp=x&sv=2021-06-08&sr=b&skoid=o&sig=for-p_x.dump\nse=2031&sp=x&sv=2021-06-08&sr=b&skoid=o&sig=for-p_x.globals.sql\n',
      stderr: '',
    });
    expect(r.dump.join(' ')).toBe(
      'storage blob generate-sas --account-name acct01 --auth-mode login --container-name dumps --name p/x.dump --permissions rcw --expiry 2031-05-06T07:08Z --as-user --https-only --output tsv --only-show-errors ',
    );
    expect(r.globals.join(' ')).toContain(
      '--name p/x.globals.sql --permissions cw --expiry 2031-05-06T07:08Z --as-user --https-only',
    );
  });

  it('fails, naming the blob and printing no SAS, when either az fails', () => {
    for (const blob of ['p/x.dump', 'p/x.globals.sql']) {
      const r = pair(blob);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('AuthorizationPermissionMismatch');
      expect(r.stderr).toMatch(new RegExp(`az made no SAS for ${blob.replace(/\./g, '\\.')}$`, 'm'));
      // The failure is reported once, by the caller's fail: no ERR trap line from inside.
      expect(r.stderr).toMatch(/FAILED: no SASes$/m);
      expect(r.stderr).not.toMatch(/FAILED: command exited/);
    }
  });
});
