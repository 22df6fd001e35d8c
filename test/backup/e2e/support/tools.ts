/**
 * The real programs the end-to-end tests run. A missing one fails the suite with the install
 * step that provides it: these tests never skip.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const INSTALL = 'run `sudo scripts/install-system-deps.sh` (it apt-installs postgresql and azure-cli), then `npm ci`';

/** Where the tools are and which OS user runs the containers and the server. */
export interface E2eTools {
  /** PostgreSQL major version of the local server and client binaries. */
  readonly postgresMajor: number;
  /** Directory with initdb, pg_ctl, postgres, pg_dump, pg_restore, psql, createdb, dropdb. */
  readonly postgresBin: string;
  /** Absolute path of az. */
  readonly az: string;
  /** Version of that az (e.g. `2.45.0`): the constructs are built with the azure-cli image of this tag. */
  readonly azVersion: string;
  /** Node script that starts the Azurite blob service. */
  readonly azuriteBlob: string;
  /** uid/gid the containers and the server run as: PostgreSQL refuses to run as root. */
  readonly uid: number;
  readonly gid: number;
  readonly userName: string;
}

function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir || '.', program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function osUser(name: string): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

let cached: E2eTools | undefined;

/** Finds every tool or throws one error listing what is missing and how to install it. */
export function requireE2eTools(): E2eTools {
  if (cached) return cached;
  const missing: string[] = [];
  const majors = fs.existsSync('/usr/lib/postgresql')
    ? fs
        .readdirSync('/usr/lib/postgresql')
        .filter((d) => /^\d+$/.test(d) && fs.existsSync(`/usr/lib/postgresql/${d}/bin/initdb`))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const postgresMajor = majors[0] ?? 0;
  const postgresBin = `/usr/lib/postgresql/${postgresMajor}/bin`;
  if (!postgresMajor) {
    missing.push('the PostgreSQL server (no /usr/lib/postgresql/<major>/bin/initdb): Debian package postgresql');
  } else {
    for (const program of ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_restore', 'psql', 'createdb', 'dropdb']) {
      if (!fs.existsSync(path.join(postgresBin, program)))
        missing.push(`${postgresBin}/${program}: Debian packages postgresql and postgresql-client`);
    }
  }
  const az = which('az');
  if (!az) missing.push('az (the Azure CLI): Debian package azure-cli');
  for (const program of ['bash', 'sha256sum', 'stat', 'grep', 'openssl']) {
    if (!which(program)) missing.push(`${program}: Debian packages bash, coreutils, grep, openssl`);
  }
  let azuriteBlob = '';
  try {
    azuriteBlob = createRequire(__filename).resolve('azurite/dist/src/blob/main.js');
  } catch {
    missing.push('the npm devDependency azurite');
  }
  let runner = { userName: os.userInfo().username, uid: os.userInfo().uid, gid: os.userInfo().gid };
  if (runner.uid === 0) {
    const postgres = osUser('postgres');
    if (!postgres)
      missing.push(
        'an OS user "postgres" to run the server and the containers as (tests run as root): Debian package postgresql creates it',
      );
    else runner = { userName: 'postgres', ...postgres };
  }
  if (missing.length > 0) {
    throw new Error(
      `The backup end-to-end tests need real PostgreSQL, Azure CLI and Azurite; missing:\n  - ${missing.join('\n  - ')}\nTo fix: ${INSTALL}.`,
    );
  }
  let azVersion: string;
  try {
    azVersion = execFileSync(az!, ['version', '--query', '"azure-cli"', '--output', 'tsv'], {
      stdio: 'pipe',
      timeout: 60_000,
      encoding: 'utf8',
    }).trim();
  } catch (error) {
    throw new Error(`az is installed at ${az} but does not run (${(error as Error).message}). To fix: ${INSTALL}.`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(azVersion))
    throw new Error(`az at ${az} reports the version "${azVersion}", not one like 2.45.0`);
  cached = { postgresMajor, postgresBin, az: az!, azVersion, azuriteBlob, ...runner };
  return cached;
}
