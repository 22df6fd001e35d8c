/**
 * Fault cases of the backup, end to end with real PostgreSQL, Azurite and az (see
 * backup-restore.test.ts): each failure fails the Job, and no blob appears.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, connection, secrets, seedShop } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { descendants, freePort } from './support/processes';
import { PodRun, cleanUp, runPod } from './support/run-pod';
import { E2eTools, requireE2eTools } from './support/tools';

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
  expect(pod.runs[1].output, pod.log).toMatch(/\[upload\] storage reachable; waiting for the verified dump/);
  expect(pod.runs[1].output, pod.log).toMatch(
    /\[upload\] FAILED: the dump step failed \(see its log\): nothing was uploaded/,
  );
  expect(pod.runs[1].output, pod.log).not.toMatch(/\[upload\] uploading/);
  return pod;
}

beforeAll(async () => {
  tools = requireE2eTools();
  [cluster, azurite] = await Promise.all([PostgresCluster.start(tools), Azurite.start(tools)]);
  await azurite.container(CONTAINER).create();
  await seedShop(cluster);
  // Large enough that pg_dump runs for a few seconds: ~1.5 million rows, ~100 MB of table.
  await seedShop(cluster, 'big', 1_500_000);
}, 180_000);

afterAll(async () => {
  await Promise.all([cluster?.stop(), azurite?.stop()]);
}, 60_000);

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

  it('pg_dump killed mid-dump: the partial archive is never uploaded', async () => {
    let killed: { pid: number; bytes: number } | undefined;
    let poller: NodeJS.Timeout | undefined;
    let podVolumes: Record<string, string> = {};
    const pod = await runFailing(
      backupPod(tools, cluster, azurite, {
        database: connection(cluster, { database: 'big', majorVersion: tools.postgresMajor as 15 }),
      }),
      {
        onStart: (container, pid) => {
          if (container !== 'dump') return;
          const partial = () =>
            Object.values(podVolumes)
              .map((dir) => path.join(dir, 'backup.partial'))
              .find((f) => fs.existsSync(f));
          poller = setInterval(() => {
            const file = partial();
            const bytes = file ? fs.statSync(file).size : 0;
            const dump = descendants(pid).find((p) => p.command === 'pg_dump');
            // Kill once pg_dump has written table data, well before it is done.
            if (dump && bytes > 4 * 1024 * 1024) {
              process.kill(dump.pid, 'SIGKILL');
              killed = { pid: dump.pid, bytes };
              clearInterval(poller);
            }
          }, 10);
        },
        beforeStart: (_container, volumes) => {
          podVolumes = volumes;
        },
      },
    );
    clearInterval(poller);
    expect(killed, 'pg_dump was killed while writing').toBeDefined();
    expect(pod.runs[0].output).toMatch(
      /FAILED: pg_dump exited with status 137, tee \(writing the archive\) with 0: the dump is incomplete/,
    );
  }, 120_000);

  it('a pg_dump that exits 0 but writes a truncated archive is caught by the full read-back (pg_restore --list alone passes it)', async () => {
    // Fault injection: a pg_dump that runs the real one, then delivers only the first half of the
    // archive without reporting it (a lying pipe or volume).
    const shim = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-lying-pg-dump-'));
    fs.chmodSync(shim, 0o755);
    fs.writeFileSync(
      path.join(shim, 'pg_dump'),
      [
        '#!/bin/bash',
        'whole=$(mktemp)',
        `"${tools.postgresBin}/pg_dump" "$@" --file="$whole" || exit`,
        'head --bytes=$(( $(stat -c %s "$whole") / 2 )) "$whole"',
        'rm -f "$whole"',
        'exit 0',
      ].join('\n'),
      { mode: 0o755 },
    );
    try {
      const pod = await runFailing(backupPod(tools, cluster, azurite), { pathPrefix: shim });
      expect(pod.runs[0].output).toMatch(/\[dump\] verifying the archive/);
      // The containers' output is one interleaved stream: another line may land between
      // pg_restore's "pg_restore:" prefix and its message, so the message is matched alone.
      expect(pod.runs[0].output).toMatch(/error: could not read from input file: end of file/);
      expect(pod.runs[0].output).toMatch(
        /FAILED: the archive cannot be read back in full \(pg_restore failed above\): it is truncated or damaged/,
      );
    } finally {
      fs.rmSync(shim, { recursive: true, force: true });
    }
  }, 60_000);

  it('a stored archive shorter than the stream that was read back and hashed is caught by the size check', async () => {
    // Fault injection: a tee that feeds the whole stream to the read-back, hash and count, but
    // stores only its first 4 KiB without reporting it (a lying volume).
    const shim = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-lying-tee-'));
    fs.chmodSync(shim, 0o755);
    fs.writeFileSync(
      path.join(shim, 'tee'),
      [
        '#!/bin/bash',
        '/usr/bin/tee --output-error=warn-nopipe "$@" | { head --bytes=4096; cat > /dev/null; }',
        'exit 0',
      ].join('\n'),
      { mode: 0o755 },
    );
    try {
      const pod = await runFailing(backupPod(tools, cluster, azurite), { pathPrefix: shim });
      expect(pod.runs[0].output).toMatch(
        /FAILED: the stored archive has 4096 bytes, pg_dump wrote \d+: the scratch volume lost data/,
      );
    } finally {
      fs.rmSync(shim, { recursive: true, force: true });
    }
  }, 60_000);

  it('disk quota exceeded: the scratch volume is smaller than the dump', async () => {
    const big = connection(cluster, { database: 'big', majorVersion: tools.postgresMajor as 15 });
    const pod = await runFailing(backupPod(tools, cluster, azurite, { database: big, scratchSize: '8Mi' }), {
      enforceSizeLimits: true,
    });
    expect(pod.runs[0].output).toMatch(/No space left on device/);
  }, 60_000);
});
