import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

describe('put_blob', () => {
  /**
   * Runs put_blob with a curl on PATH that records its arguments, the config it reads from fd 3 and
   * the body it would send, and exits with `curlStatus`.
   */
  function putBlob(curlStatus: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-put-blob-'));
    try {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(
        path.join(bin, 'curl'),
        [
          '#!/bin/bash',
          `printf '%s\\n' "$@" > ${JSON.stringify(path.join(dir, 'argv'))}`,
          `cat /dev/fd/3 > ${JSON.stringify(path.join(dir, 'config'))}`,
          // The body: --data-binary @<file>.
          'for ((i = 1; i <= $#; i++)); do',
          '  if [[ ${!i} == --data-binary ]]; then j=$((i + 1)); file=${!j#@}; fi',
          'done',
          `cat -- "$file" > ${JSON.stringify(path.join(dir, 'body'))}`,
          `exit ${curlStatus}`,
        ].join('\n'),
        { mode: 0o755 },
      );
      const file = path.join(dir, 'globals.sql');
      fs.writeFileSync(file, 'CREATE ROLE reporting;\n');
      const r = runFunctions(
        ['common', 'blocks'],
        `put_blob ${JSON.stringify(file)} "$URL" 'x-ms-meta-sha256: abc' 'x-ms-meta-kind: globals' && echo stored`,
        {
          env: {
            PATH: `${bin}:${process.env.PATH}`,
            X_MS_VERSION: '2021-08-06',
            URL: 'https://acct.blob.core.windows.net/dumps/postgres/shop/x.globals.sql?sv=2021&sig=SECRET%3D',
          },
        },
      );
      const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
      return { ...r, argv: read('argv').split('\n').filter(Boolean), config: read('config'), body: read('body') };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('PUTs the file as a block blob that must not exist yet, with the metadata headers, the SAS only in the config on fd 3', () => {
    const r = putBlob(0);
    expect(r).toMatchObject({ status: 0, stdout: 'stored\n', stderr: '' });
    expect(r.config).toBe(
      'url = "https://acct.blob.core.windows.net/dumps/postgres/shop/x.globals.sql?sv=2021&sig=SECRET%3D"\n',
    );
    expect(r.argv.join(' ')).not.toMatch(/SECRET|sig=|blob\.core/);
    expect(r.body).toBe('CREATE ROLE reporting;\n');
    const headers = r.argv.flatMap((a, i) => (r.argv[i - 1] === '--header' ? [a] : []));
    expect(headers).toEqual([
      'x-ms-version: 2021-08-06',
      'x-ms-blob-type: BlockBlob',
      'If-None-Match: *',
      'Content-Type: application/sql',
      'x-ms-meta-sha256: abc',
      'x-ms-meta-kind: globals',
    ]);
    expect(r.argv).toEqual(expect.arrayContaining(['--fail', '--request', 'PUT', '--config', '/dev/fd/3']));
  });

  it('fails when curl does (e.g. 409 for a name that exists)', () => {
    const r = putBlob(22);
    expect(r.status).toBe(22);
    expect(r.stdout).toBe('');
  });
});
