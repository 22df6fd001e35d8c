/**
 * The upload's HEAD checks (lib/postgres/shell/functions/blob-head.sh) against a real Azurite, with
 * SASes signed by blob_sas (functions/sas.sh): the answers they act on are Azure's, not made up.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFunctions } from '../../postgres/shell/run-functions';
import { Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './support/azurite';
import { requireE2eTools } from './support/tools';

const CONTAINER = 'head-checks';
const EXISTING = 'postgres/shop/20260101T000000Z é.dump';

let azurite: Azurite;
/** A curl in front of the real one that appends its command line to `argv` (one argument a line). */
let shimDir: string;

beforeAll(async () => {
  azurite = await Azurite.start(requireE2eTools());
  await azurite.container(CONTAINER).create();
  await azurite.container(CONTAINER).getBlockBlobClient(EXISTING).upload('twelve bytes', 12);
  shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-head-'));
  fs.mkdirSync(path.join(shimDir, 'bin'));
  const curl = execFileSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(
    path.join(shimDir, 'bin', 'curl'),
    ['#!/bin/bash', `printf '%s\\n' "$@" >> ${JSON.stringify(path.join(shimDir, 'argv'))}`, `exec ${curl} "$@"`].join(
      '\n',
    ),
    { mode: 0o755 },
  );
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  fs.rmSync(shimDir, { recursive: true, force: true });
}, 60_000);

/**
 * Signs a read SAS for `blob` of `container` with blob_sas and runs `code` with its URL in $URL,
 * the blob's name in $NAME.
 */
function withSas(code: string, container: string, blob: string, key = DEV_ACCOUNT_KEY) {
  return runFunctions(
    ['common', 'sas', 'blocks', 'blob-head'],
    [
      'sas=$(blob_sas "$AZURE_STORAGE_ACCOUNT" "$BLOB_CONTAINER" "$NAME" r 2099-01-01T00:00Z)',
      'URL="$ENDPOINT/$(url_path "$BLOB_CONTAINER")/$(url_path "$NAME")?$sas"',
      code,
    ].join('\n'),
    {
      env: {
        PATH: `${path.join(shimDir, 'bin')}:${process.env.PATH}`,
        AZURE_STORAGE_KEY: key,
        AZURE_STORAGE_ACCOUNT: DEV_ACCOUNT,
        BLOB_CONTAINER: container,
        NAME: blob,
        ENDPOINT: azurite.endpoint,
        X_MS_VERSION: '2021-08-06',
      },
    },
  );
}

describe('the HEAD of the new blob before the stream (check_new_blob)', () => {
  it('passes when the container exists and the blob does not', () => {
    const r = withSas('check_new_blob "$URL" "$NAME" && echo free', CONTAINER, 'postgres/shop/20260102T000000Z é.dump');
    expect(r).toMatchObject({ status: 0, stdout: 'free\n', stderr: '' });
  });

  it('fails with the container message when the container does not exist', () => {
    const r = withSas('check_new_blob "$URL" "$NAME"; echo "not reached"', 'no-such-container', EXISTING);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\[test\] FAILED: container no-such-container does not exist in devstoreaccount1$/m);
  });

  it('logs a name that is taken and goes on: the commit refuses it (as test/backup/e2e/backup-restore.test.ts shows)', () => {
    const r = withSas('check_new_blob "$URL" "$NAME" && echo "goes on"', CONTAINER, EXISTING);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('goes on\n');
    expect(r.stderr).toMatch(
      /\[test\] a blob postgres\/shop\/20260101T000000Z é\.dump already exists in container head-checks of devstoreaccount1: its commit \(If-None-Match: \*\) will be refused$/m,
    );
    expect(r.stderr).not.toMatch(/FAILED/);
  });

  // Azure answers AuthenticationFailed, Azurite AuthorizationFailure.
  it('names the HTTP status and Azure error code of any other answer (a SAS signed with a wrong key: 403)', () => {
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const r = withSas('check_new_blob "$URL" "$NAME"', CONTAINER, 'postgres/shop/x.dump', wrongKey);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /FAILED: checking for postgres\/shop\/x\.dump in container head-checks of devstoreaccount1 failed: HTTP 403 Auth(?:entication|orization)Fail(?:ed|ure)$/m,
    );
  });

  it('gives curl the SAS only through its config on fd 3, and logs none of it', () => {
    fs.rmSync(path.join(shimDir, 'argv'), { force: true });
    const r = withSas('check_new_blob "$URL" "$NAME"', 'no-such-container', EXISTING);
    expect(r.status).toBe(1);
    const argv = fs.readFileSync(path.join(shimDir, 'argv'), 'utf8');
    expect(argv).toMatch(/^--config\n\/dev\/fd\/3$/m);
    expect(argv).not.toMatch(/sig=|devstoreaccount1|head-checks/);
    expect(r.stderr).not.toMatch(/sig=|se=|sv=/);
  });
});

describe('the container check before the dump names its blob (check_container)', () => {
  it('passes through a name that does not exist, or one that does', () => {
    expect(withSas('check_container "$URL" "$NAME"', CONTAINER, 'aks-stateful/upload-probe')).toMatchObject({
      status: 0,
      stderr: '',
    });
    expect(withSas('check_container "$URL" "$NAME"', CONTAINER, EXISTING)).toMatchObject({ status: 0, stderr: '' });
  });

  it('fails with the container message when the container does not exist', () => {
    const r = withSas('check_container "$URL" "$NAME"', 'no-such-container', 'aks-stateful/upload-probe');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: container no-such-container does not exist in devstoreaccount1$/m);
  });
});

describe('the committed length (blob_length)', () => {
  it("prints the blob's Content-Length", () => {
    expect(withSas('blob_length "$URL"', CONTAINER, EXISTING)).toMatchObject({ status: 0, stdout: '12\n', stderr: '' });
  });

  it('fails, naming the answer, for a blob that is not there', () => {
    const r = withSas('blob_length "$URL"', CONTAINER, 'postgres/shop/missing.dump');
    expect(r).toMatchObject({ status: 1, stdout: '' });
    expect(r.stderr).toMatch(/the HEAD of the blob answered HTTP 404 BlobNotFound/);
  });
});
