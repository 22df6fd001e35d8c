import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFunctions, withFakePrograms } from './run-functions';

/** A made-up account key (base64 of 64 bytes): test data, not a secret. */
const KEY = Buffer.from('aks-stateful: the key of the SAS unit test, never a real account.!').toString('base64');
const ACCOUNT = 'acct01';
const CONTAINER = 'postgres-dumps';
const EXPIRY = '2031-05-06T07:08Z';

let azConfig: string;

beforeAll(() => {
  azConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-sas-az-'));
});

afterAll(() => {
  fs.rmSync(azConfig, { recursive: true, force: true });
});

/** What az (2.45 on PATH) prints for the same SAS: `az storage blob generate-sas --account-key`. */
function azSas(blob: string, permissions: string, httpsOnly: boolean): string {
  return execFileSync(
    'az',
    [
      'storage',
      'blob',
      'generate-sas',
      '--account-name',
      ACCOUNT,
      '--account-key',
      KEY,
      '--container-name',
      CONTAINER,
      '--name',
      blob,
      '--permissions',
      permissions,
      '--expiry',
      EXPIRY,
      ...(httpsOnly ? ['--https-only'] : []),
      '--output',
      'tsv',
      '--only-show-errors',
    ],
    {
      env: { PATH: process.env.PATH!, AZURE_CONFIG_DIR: azConfig, AZURE_CORE_COLLECT_TELEMETRY: 'false' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  ).trim();
}

function blobSas(blob: string, permissions: string, protocol: string, env: Record<string, string> = {}) {
  return runFunctions(
    ['common', 'sas'],
    'blob_sas "$ACCOUNT" "$CONTAINER" "$BLOB" "$PERMISSIONS" "$EXPIRY" "$PROTOCOL"',
    {
      env: {
        AZURE_STORAGE_KEY: KEY,
        ACCOUNT,
        CONTAINER,
        BLOB: blob,
        PERMISSIONS: permissions,
        EXPIRY,
        PROTOCOL: protocol,
        ...env,
      },
    },
  );
}

describe('signing a service SAS for one blob locally', () => {
  it.each([
    ['postgres/shop/20260101T000000Z a é.dump', 'rcw', true],
    ['postgres/shop/20260101T000000Z a é.dump', 'rcw', false],
    ['postgres/shop/20260101T000000Z a é.globals.sql', 'cw', true],
    ['aks-stateful/upload-probe', 'r', false],
  ] as const)('%s (%s, https only: %s) is what az signs', (blob, permissions, httpsOnly) => {
    const r = blobSas(blob, permissions, httpsOnly ? 'https' : '');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const expected = azSas(blob, permissions, httpsOnly);
    expect(expected).toMatch(/&sig=[A-Za-z0-9%]+$/);
    expect(r.stdout).toBe(`${expected}\n`);
  });

  it('signs the blob, the permissions and the expiry: any other one gets another signature', () => {
    const sig = (blob: string, permissions: string, expiry = EXPIRY) =>
      /&sig=(.*)$/.exec(blobSas(blob, permissions, '', { EXPIRY: expiry }).stdout.trim())?.[1];
    const base = sig('postgres/shop/x.dump', 'rcw');
    expect(base).toBeTruthy();
    expect(sig('postgres/shop/y.dump', 'rcw')).not.toBe(base);
    expect(sig('postgres/shop/x.dump', 'cw')).not.toBe(base);
    expect(sig('postgres/shop/x.dump', 'rcw', '2031-05-06T07:09Z')).not.toBe(base);
  });

  it('reads the key from the environment only: python3 is never given it as an argument', () => {
    const python = execFileSync('bash', ['-c', 'command -v python3'], { encoding: 'utf8' }).trim();
    withFakePrograms(
      // Records its command line (one argument a line), then runs the real python3.
      (dir) => ({
        python3: [`printf '%s\\n' "$@" > ${JSON.stringify(path.join(dir, 'argv'))}`, `exec ${python} "$@"`],
      }),
      (dir, PATH) => {
        const r = blobSas('postgres/shop/x.dump', 'rcw', 'https', { PATH });
        expect(r).toMatchObject({ status: 0, stderr: '' });
        const argv = fs.readFileSync(path.join(dir, 'argv'), 'utf8');
        expect(argv).toContain('postgres/shop/x.dump\nrcw\n2031-05-06T07:08Z\nhttps\n');
        expect(argv).not.toContain(KEY);
        expect(argv).not.toContain(KEY.slice(0, 20));
      },
    );
  });

  it('fails, naming the problem and printing no SAS, when the key is empty, missing or not base64', () => {
    for (const [env, message] of [
      [{ AZURE_STORAGE_KEY: '' }, /AZURE_STORAGE_KEY is empty: check the storage account key Secret/],
      [{ AZURE_STORAGE_KEY: 'not base64!' }, /AZURE_STORAGE_KEY is not base64: check the storage account key Secret/],
      [{ AZURE_STORAGE_KEY: KEY.slice(1) }, /AZURE_STORAGE_KEY is not base64/],
    ] as const) {
      const r = blobSas('postgres/shop/x.dump', 'rcw', '', env);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    const missing = runFunctions(
      ['common', 'sas'],
      'unset AZURE_STORAGE_KEY; blob_sas acct01 c x.dump r 2031-05-06T07:08Z',
    );
    expect(missing).toMatchObject({ status: 1, stdout: '' });
    expect(missing.stderr).toMatch(/AZURE_STORAGE_KEY is empty/);
  });

  it('refuses arguments that are not a SAS request rather than signing them', () => {
    for (const [blob, permissions, protocol, expiry] of [
      ['', 'rcw', '', EXPIRY],
      ['x.dump', 'rcwz', '', EXPIRY],
      ['x.dump', 'rcw', 'http', EXPIRY],
      ['x.dump', 'rcw', '', 'tomorrow'],
    ]) {
      const r = blobSas(blob, permissions, protocol, { EXPIRY: expiry });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/(blob|service)_sas: bad arguments/);
    }
  });
});
