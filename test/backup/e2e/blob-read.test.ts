/**
 * The fetch container's blob functions (functions/sas.sh, functions/azure.sh, functions/blob-read.sh) against a
 * real Azurite and a real az: the SAS signed without az is the one az signs, and the listing,
 * properties and download through it are what the storage holds.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFunctions } from '../../postgres/shell/run-functions';
import { Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './support/azurite';
import { E2eTools, requireE2eTools } from './support/tools';

const CONTAINER = 'blob-read';
const LIBRARIES = ['common', 'azure', 'blocks', 'sas', 'blob-head', 'blob-read'];
let tools: E2eTools;
let azurite: Azurite;

beforeAll(async () => {
  tools = requireE2eTools();
  azurite = await Azurite.start(tools);
  const container = azurite.container(CONTAINER);
  await container.create();
  const blobs: [string, string, Record<string, string>][] = [
    ['shop/20240101T000000Z.dump', 'first', {}],
    ['shop/20240102T000000Z.dump', 'second', { sha256: 'a'.repeat(64), pg_dump_version: '15.8' }],
    ['shop/20240103T000000Z.globals.sql', 'globals', {}],
    ['shop/x&y <1>.dump', 'escaped', { sha256: 'b'.repeat(64), globals_sha256: 'c'.repeat(64), globals_size: '7' }],
    ['shop/zz.txt', 'not a dump', {}],
    ['shopping/zzz.dump', 'other prefix', {}],
  ];
  for (const [name, body, metadata] of blobs)
    await container.getBlockBlobClient(name).upload(body, body.length, { metadata });
}, 60_000);
afterAll(async () => azurite?.stop());

/** Runs `code` with the functions sourced and the account's key and endpoint in the environment. */
function run(code: string, env: Record<string, string> = {}) {
  return runFunctions(LIBRARIES, `X_MS_VERSION=2021-08-06\n${code}`, {
    env: {
      PATH: `${path.dirname(tools.az)}:${process.env.PATH}`,
      AZURE_STORAGE_ACCOUNT: DEV_ACCOUNT,
      AZURE_STORAGE_KEY: DEV_ACCOUNT_KEY,
      AUTH_MODE: 'storageAccountKey',
      ...env,
    },
  });
}

const EXPIRY = '2031-06-30T12:00Z';
const containerUrl = () =>
  `sas=$(container_read_sas ${CONTAINER} ${EXPIRY} ${azurite.endpoint})\nurl="${azurite.endpoint}/${CONTAINER}?$sas"`;

describe('container_sas', () => {
  /** A SAS's parameters, decoded (az leaves "/" unencoded in some signatures, not in others). */
  const params = (sas: string) => Object.fromEntries(new URLSearchParams(sas));

  /** What az 2.45 signs for the same SAS. */
  function azSas(args: string[]): Record<string, string> {
    const r = runFunctions(
      [],
      `az storage ${args.map((a) => JSON.stringify(a)).join(' ')} --expiry ${EXPIRY} --output tsv --only-show-errors`,
      {
        env: { PATH: process.env.PATH!, AZURE_STORAGE_KEY: DEV_ACCOUNT_KEY, HOME: os.tmpdir() },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    return params(r.stdout.trim());
  }

  it('signs the container SAS az signs, with and without https only', () => {
    for (const https of [false, true]) {
      const r = run(`container_sas "$AZURE_STORAGE_ACCOUNT" ${CONTAINER} rl ${EXPIRY} ${https ? 'https' : ''}`);
      expect(r.status, r.stderr).toBe(0);
      expect(params(r.stdout.trim())).toEqual(
        azSas([
          'container',
          'generate-sas',
          '--account-name',
          DEV_ACCOUNT,
          '--name',
          CONTAINER,
          '--permissions',
          'rl',
          ...(https ? ['--https-only'] : []),
        ]),
      );
    }
  });

  it('refuses a container SAS with a blob name, or a blob SAS without one', () => {
    for (const code of [
      `service_sas c "$AZURE_STORAGE_ACCOUNT" ${CONTAINER} shop/x.dump r ${EXPIRY}`,
      `service_sas b "$AZURE_STORAGE_ACCOUNT" ${CONTAINER} '' r ${EXPIRY}`,
      `container_sas "$AZURE_STORAGE_ACCOUNT" ${CONTAINER} rl tomorrow`,
    ]) {
      const r = run(code);
      expect(r.status, code).not.toBe(0);
      expect(r.stderr, code).toMatch(/service_sas: bad arguments/);
    }
  });
});

describe('latest_dump_name', () => {
  it('finds the last .dump under the prefix, decoding the listing, across pages', () => {
    for (const pageSize of ['', '1', '2']) {
      const r = run(`${containerUrl()}\nlatest_dump_name "$url" shop/ ${pageSize}`);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, `page size ${pageSize || 'default'}`).toBe('shop/x&y <1>.dump\n');
    }
  });

  it('prints nothing when no dump is under the prefix, and fails on a container that is not there', () => {
    const none = run(`${containerUrl()}\nlatest_dump_name "$url" nothing/`);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    const missing = run(
      `sas=$(container_read_sas absent ${EXPIRY} ${azurite.endpoint})\nlatest_dump_name "${azurite.endpoint}/absent?$sas" shop/`,
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/404/);
  });
});

describe('blob_fields and download_blob', () => {
  const blobUrl = (name: string) =>
    `${containerUrl()}\nblob="${azurite.endpoint}/${CONTAINER}/$(url_path '${name}')?$sas"`;

  it('reads the length and the metadata the fetch needs, empty where the blob has none', () => {
    const r = run(`${blobUrl('shop/x&y <1>.dump')}\nblob_fields "$blob"`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['7', 'b'.repeat(64), '', 'c'.repeat(64), '7', '']);
    const plain = run(`${blobUrl('shop/20240102T000000Z.dump')}\nblob_fields "$blob"`);
    expect(plain.stdout.split('\n')).toEqual(['6', 'a'.repeat(64), '15.8', '', '', '']);
  });

  it('returns 2 for a blob that is not there', () => {
    const r = run(`${blobUrl('shop/absent.dump')}\nblob_fields "$blob"; echo "status $?"`);
    expect(r.stdout).toBe('status 2\n');
  });

  it('downloads the blob to standard output, and fails on one that is not there', () => {
    const r = run(`${blobUrl('shop/x&y <1>.dump')}\ndownload_blob "$blob"`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('escaped');
    const missing = run(`${blobUrl('shop/absent.dump')}\ndownload_blob "$blob"`);
    expect(missing.status).not.toBe(0);
  });
});
