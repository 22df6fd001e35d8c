import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

describe('priming az', () => {
  /** Runs prime_az with the given AZURE_CLI_VERSION in a fresh config folder. */
  function prime(version: string | undefined, existing?: string): string | undefined {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-az-'));
    try {
      if (existing !== undefined) fs.writeFileSync(path.join(dir, 'commandIndex.json'), existing);
      const r = runFunctions(['common', 'azure'], 'prime_az', {
        env: { AZURE_CONFIG_DIR: dir, ...(version === undefined ? {} : { AZURE_CLI_VERSION: version }) },
      });
      expect(r).toMatchObject({ status: 0, stderr: '' });
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

describe('blob_endpoint', () => {
  const endpoint = (env: Record<string, string>) => runFunctions(['common', 'azure'], 'blob_endpoint', { env });

  it("is the account's public endpoint unless BLOB_ENDPOINT names another, without a trailing slash", () => {
    expect(endpoint({ AZURE_STORAGE_ACCOUNT: 'acct01' }).stdout).toBe('https://acct01.blob.core.windows.net\n');
    expect(
      endpoint({ AZURE_STORAGE_ACCOUNT: 'acct01', BLOB_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1/' }).stdout,
    ).toBe('http://127.0.0.1:10000/devstoreaccount1\n');
  });

  it('fails without an account when no endpoint is given', () => {
    const r = endpoint({});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AZURE_STORAGE_ACCOUNT/);
  });
});
