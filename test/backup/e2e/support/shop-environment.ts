import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Azurite, StoredBlob } from './azurite';
import { CONTAINER, secrets, seedShop } from './fixture';
import { PostgresCluster } from './postgres-cluster';
import { PodRun, RunPodOptions, cleanUp, runPod } from './run-pod';
import { E2eTools, requireE2eTools } from './tools';

/**
 * What the backup end-to-end files run against: a throwaway PostgreSQL server with the `shop`
 * database seeded, and Azurite with the dumps container created.
 */
export interface ShopEnvironment {
  readonly tools: E2eTools;
  readonly cluster: PostgresCluster;
  readonly azurite: Azurite;
}

/** Starts the server and Azurite side by side, then creates the container and seeds `shop`. */
export async function startShopEnvironment(
  options: { shopOrders?: number; azurite?: Parameters<typeof Azurite.start>[1] } = {},
): Promise<ShopEnvironment> {
  const tools = requireE2eTools();
  const [started, emulator] = await Promise.allSettled([
    PostgresCluster.start(tools),
    Azurite.start(tools, options.azurite),
  ]);
  const cluster = started.status === 'fulfilled' ? started.value : undefined;
  const azurite = emulator.status === 'fulfilled' ? emulator.value : undefined;
  try {
    if (!cluster || !azurite)
      throw started.status === 'rejected' ? started.reason : (emulator as PromiseRejectedResult).reason;
    await azurite.container(CONTAINER).create();
    await seedShop(cluster, 'shop', options.shopOrders);
    return { tools, cluster, azurite };
  } catch (error) {
    // Nothing left running when the set-up fails half-way.
    await stopShopEnvironment({ cluster, azurite });
    throw error;
  }
}

/** Stops what `startShopEnvironment` started (whatever of it did start). */
export async function stopShopEnvironment(environment: Partial<ShopEnvironment> | undefined): Promise<void> {
  await Promise.all([environment?.cluster?.stop(), environment?.azurite?.stop()]);
}

/** A pod's run, and the names of what its scratch volume held when it ended (before the clean-up). */
export type CheckedRun = PodRun & { readonly scratchLeft: readonly string[] };

/**
 * Runs a pod with the shop's secrets (unless `options` gives others), cleans up its folders, and
 * fails the test with the pod's log — and the end of the server's, given a cluster — when the pod
 * did not succeed or fail as `expectSuccess` says.
 */
export async function runExpecting(
  on: { tools: E2eTools; cluster?: PostgresCluster },
  podSpec: any,
  expectSuccess: boolean,
  options: Partial<RunPodOptions> = {},
): Promise<CheckedRun> {
  const run = await runPod(podSpec, on.tools, { secrets: secrets(), ...options });
  const pod = { ...run, scratchLeft: run.volumes.scratch ? fs.readdirSync(run.volumes.scratch) : [] };
  cleanUp(run);
  if (pod.succeeded !== expectSuccess) {
    const server = on.cluster ? `\n--- server log\n${on.cluster.log().slice(-3000)}` : '';
    throw new Error(`pod ${expectSuccess ? 'failed' : 'succeeded unexpectedly'}:\n${pod.log}${server}`);
  }
  return pod;
}

/** What container `name` of the pod printed. */
export function containerOutput(pod: PodRun, name: string): string {
  const run = pod.runs.find((r) => r.name === name);
  if (!run) throw new Error(`the pod ran no container ${name}: ${pod.runs.map((r) => r.name).join(', ')}`);
  return run.output;
}

/** The shadow databases (`<target>__restoring_<ts>`) of a target on `cluster`, in name order. */
export async function shadowDatabases(cluster: PostgresCluster, target: string): Promise<string[]> {
  const out = await cluster.sql(
    'postgres',
    `SELECT datname FROM pg_database WHERE starts_with(datname, '${target}__restoring_') ORDER BY 1`,
  );
  return out.split('\n').filter(Boolean);
}

/** The dumps under `prefix`, in name order (each backup also stores its globals beside its dump). */
export async function dumpBlobs(azurite: Azurite, prefix: string): Promise<StoredBlob[]> {
  return (await azurite.list(CONTAINER, prefix)).filter((b) => b.name.endsWith('.dump'));
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
