/**
 * The storage fault, end to end (see backup-restore.test.ts): Azurite is down when the upload
 * starts; its first request (a HEAD through curl, which retries a refused connection for about
 * 15 s) fails. The case stops its emulator, so it has a file (and an emulator) of its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, secrets } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { cleanUp, runPod } from './support/run-pod';
import { startShopEnvironment, stopShopEnvironment } from './support/shop-environment';
import { E2eTools } from './support/tools';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;
let location: string;

beforeAll(async () => {
  location = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-azurite-'));
  // Persisted on disk, so that the emulator can come back with whatever it received.
  ({ tools, cluster, azurite } = await startShopEnvironment({ azurite: { location } }));
  // Proves the emulator comes back with what it stored before it went down.
  await azurite.container(CONTAINER).getBlockBlobClient('marker.txt').upload('marker', 6);
}, 120_000);

afterAll(async () => {
  await stopShopEnvironment({ cluster, azurite });
  fs.rmSync(location, { recursive: true, force: true });
}, 60_000);

describe('backup faults: storage', () => {
  it('Azurite down: the upload fails after its retries, the dump (which streams to it) fails too, and no blob appears', async () => {
    const pod = await runPod(backupPod(tools, cluster, azurite), tools, {
      secrets: secrets(),
      beforeStart: async (container) => {
        if (container === 'upload') await azurite.stop();
      },
      timeoutMs: 240_000,
    });
    cleanUp(pod);
    expect(pod.succeeded, pod.log).toBe(false);
    expect(
      pod.runs.map((r) => [r.name, r.code]),
      pod.log,
    ).toEqual([
      ['dump', 1],
      ['upload', 1],
    ]);
    expect(pod.runs[1].output).toMatch(/Connection refused/);
    // The dump has nowhere to stream to: it stops before pg_dump runs.
    expect(pod.runs[0].output).toMatch(
      /\[dump\] FAILED: the upload container exited before it read the stream \(see its log\): nothing was dumped/,
    );

    azurite = await Azurite.start(tools, { port: azurite.port, location });
    expect((await azurite.list(CONTAINER)).map((b) => b.name)).toEqual(['marker.txt']);
  }, 300_000);
});
