/**
 * Fault cases of the backup, end to end with real PostgreSQL, Azurite and az (see
 * backup-restore.test.ts): each failure fails the Job, and no blob appears (the one success, the
 * scratch-volume case, removes its blob).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, connection, secrets, seedShop } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { descendants, freePort, writtenBytes } from './support/processes';
import { PodRun, cleanUp, runPod } from './support/run-pod';
import { withShims } from './support/shims';
import { startShopEnvironment, stopShopEnvironment } from './support/shop-environment';
import { E2eTools } from './support/tools';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;

/**
 * Runs the backup pod, expecting the dump container to fail, and the upload container (started
 * alongside it) to reach the storage, wait, see the dump's "failed" marker and upload nothing.
 */
async function runFailing(podSpec: any, options: Partial<Parameters<typeof runPod>[2]> = {}): Promise<PodRun> {
  const pod = await runPod(podSpec, tools, { secrets: secrets(), ...options });
  cleanUp(pod);
  if (pod.succeeded) throw new Error(`the pod succeeded although it should have failed:\n${pod.log}`);
  expect(
    pod.runs.map((r) => [r.name, r.code === 0]),
    pod.log,
  ).toEqual([
    ['dump', false],
    ['upload', false],
  ]);
  expect(pod.runs[1].output, pod.log).toMatch(/\[upload\] storage reachable; waiting for the dump/);
  expect(pod.runs[1].output, pod.log).toMatch(
    /\[upload\] FAILED: the dump step failed \(see its log\): nothing was uploaded/,
  );
  expect(pod.runs[1].output, pod.log).not.toMatch(/\[upload\] committing/);
  return pod;
}

beforeAll(async () => {
  ({ tools, cluster, azurite } = await startShopEnvironment());
  // Large enough that pg_dump runs for a few seconds: ~1.5 million rows, ~100 MB of table.
  await seedShop(cluster, 'big', 1_500_000);
}, 180_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

afterEach(async () => {
  // Every fault must leave the container without a single blob.
  expect(await azurite.list(CONTAINER)).toEqual([]);
});

describe('backup faults: the Job fails and no blob appears', () => {
  it('wrong password', async () => {
    const pod = await runFailing(backupPod(tools, cluster, azurite), { secrets: secrets('not-the-password') });
    expect(pod.runs[0].output).toMatch(/password authentication failed for user "app"/);
  }, 60_000);

  it('database unreachable', async () => {
    const closed = await freePort();
    const pod = await runFailing(
      backupPod(tools, cluster, azurite, {
        database: connection(cluster, { port: closed, majorVersion: tools.postgresMajor as 15 }),
      }),
    );
    expect(pod.runs[0].output).toMatch(/Connection refused/);
  }, 60_000);

  it('pg_dump killed mid-dump: the partial archive is never committed', async () => {
    let killed: { pid: number; bytes: number } | undefined;
    let poller: NodeJS.Timeout | undefined;
    const pod = await runFailing(
      backupPod(tools, cluster, azurite, {
        database: connection(cluster, { database: 'big', majorVersion: tools.postgresMajor as 15 }),
      }),
      {
        onStart: (container, pid) => {
          if (container !== 'dump') return;
          poller = setInterval(() => {
            const dump = descendants(pid).find((p) => p.command === 'pg_dump');
            const bytes = dump ? writtenBytes(dump.pid) : 0;
            // Kill once pg_dump has written table data, well before it is done.
            if (dump && bytes > 4 * 1024 * 1024) {
              process.kill(dump.pid, 'SIGKILL');
              killed = { pid: dump.pid, bytes };
              clearInterval(poller);
            }
          }, 10);
        },
      },
    );
    clearInterval(poller);
    expect(killed, 'pg_dump was killed while writing').toBeDefined();
    expect(pod.runs[0].output).toMatch(
      /FAILED: pg_dump exited with status 137, tee \(streaming to the upload\) with 0: the dump is incomplete/,
    );
  }, 120_000);

  it('a pg_dump that exits 0 but writes a truncated archive is caught by the full read-back (pg_restore --list alone passes it)', async () => {
    // Fault injection: a pg_dump that runs the real one, then delivers only the first half of the
    // archive without reporting it (a lying pipe or volume).
    await withShims(
      {
        pg_dump: [
          'whole=$(mktemp)',
          `"${tools.postgresBin}/pg_dump" "$@" --file="$whole" || exit`,
          'head --bytes=$(( $(stat -c %s "$whole") / 2 )) "$whole"',
          'rm -f "$whole"',
          'exit 0',
        ],
      },
      async (shim) => {
        const pod = await runFailing(backupPod(tools, cluster, azurite), { pathPrefix: shim });
        expect(pod.runs[0].output).toMatch(/\[dump\] verifying the archive/);
        // The containers' output is one interleaved stream: another line may land between
        // pg_restore's "pg_restore:" prefix and its message, so the message is matched alone.
        expect(pod.runs[0].output).toMatch(/error: could not read from input file: end of file/);
        expect(pod.runs[0].output).toMatch(
          /FAILED: the archive cannot be read back in full \(pg_restore failed above\): it is truncated or damaged/,
        );
      },
    );
  }, 60_000);

  it('a stream to the upload shorter than what was read back and hashed is caught by the upload, which commits nothing', async () => {
    // Fault injection: a tee that feeds the whole stream to the read-back, hash and count, but
    // passes only its first 4 KiB to the upload without reporting it (a lying pipe).
    await withShims(
      { tee: ['/usr/bin/tee --output-error=warn-nopipe "$@" | { head --bytes=4096; cat > /dev/null; }', 'exit 0'] },
      async (shim) => {
        const pod = await runPod(backupPod(tools, cluster, azurite), tools, { secrets: secrets(), pathPrefix: shim });
        cleanUp(pod);
        expect(
          pod.runs.map((r) => [r.name, r.code]),
          pod.log,
        ).toEqual([
          ['dump', 0],
          ['upload', 1],
        ]);
        expect(pod.runs[1].output).toMatch(
          /FAILED: the stream read here \(4096 bytes, sha256 [0-9a-f]{64}\) is not the dump verified \(\d+ bytes, sha256 [0-9a-f]{64}\): nothing was committed/,
        );
        expect(pod.runs[1].output).not.toMatch(/\[upload\] committing/);
      },
    );
  }, 60_000);

  it('writes no archive to the scratch volume: a ~100 MB dump backs up with a 16Mi scratch tmpfs, no file there over 1 MiB', async () => {
    const big = connection(cluster, { database: 'big', majorVersion: tools.postgresMajor as 15 });
    let scratch: string | undefined;
    let largest = 0;
    const poller = setInterval(() => {
      if (!scratch) return;
      for (const name of fs.readdirSync(scratch)) {
        try {
          const stat = fs.statSync(path.join(scratch, name));
          if (stat.isFile()) largest = Math.max(largest, stat.size);
        } catch {
          // removed meanwhile
        }
      }
    }, 20);
    const pod = await runPod(backupPod(tools, cluster, azurite, { database: big }), tools, {
      secrets: secrets(),
      enforceSizeLimits: true,
      beforeStart: (_container, volumes) => {
        scratch = volumes.scratch;
      },
    });
    clearInterval(poller);
    cleanUp(pod);
    expect(pod.succeeded, pod.log).toBe(true);
    const [blob] = await azurite.list(CONTAINER, 'postgres/big/');
    expect(blob.size).toBeGreaterThan(16 * 1024 * 1024);
    expect(largest).toBeLessThan(1024 * 1024);
    await azurite.container(CONTAINER).deleteBlob(blob.name);
    await azurite.container(CONTAINER).deleteBlob(blob.name.replace(/\.dump$/, '.globals.sql'));
  }, 120_000);
});
