/**
 * The upload's block staging, end to end (real PostgreSQL, Azurite, az and curl; see
 * backup-restore.test.ts): blocks are staged while pg_dump runs, and only a whole, verified stream
 * is ever committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, connection, secrets, seedShop } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { descendants, writtenBytes } from './support/processes';
import { cleanUp, runPod } from './support/run-pod';
import { withShims } from './support/shims';
import { startShopEnvironment, stopShopEnvironment } from './support/shop-environment';
import { E2eTools } from './support/tools';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;

/** The backup pod of `database`, its upload staging blocks of 1 MiB (16 MiB in production). */
function smallBlocksPod(database: string): any {
  const pod = backupPod(tools, cluster, azurite, {
    database: connection(cluster, { database, majorVersion: tools.postgresMajor as 15 }),
  });
  pod.containers.find((c: any) => c.name === 'upload').env.push({ name: 'BLOCK_MIB', value: '1' });
  return pod;
}

/** Every blob in the container, uncommitted ones included, with its committed and uncommitted block counts. */
async function everything(): Promise<Array<{ name: string; committed: number; uncommitted: number }>> {
  const out = [];
  for await (const blob of azurite.container(CONTAINER).listBlobsFlat({ includeUncommitedBlobs: true })) {
    const list = await azurite.container(CONTAINER).getBlockBlobClient(blob.name).getBlockList('all');
    out.push({
      name: blob.name,
      committed: list.committedBlocks?.length ?? 0,
      uncommitted: list.uncommittedBlocks?.length ?? 0,
    });
  }
  return out;
}

beforeAll(async () => {
  ({ tools, cluster, azurite } = await startShopEnvironment({ shopOrders: 100_000 }));
  await seedShop(cluster, 'big', 1_500_000);
}, 180_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

describe('staging blocks while pg_dump runs', () => {
  it('a dump larger than one block is committed from many blocks, byte for byte the stream pg_dump wrote, and reads as an archive', async () => {
    const pod = await runPod(smallBlocksPod('shop'), tools, { secrets: secrets() });
    cleanUp(pod);
    expect(pod.succeeded, pod.log).toBe(true);
    const [blob] = await azurite.list(CONTAINER, 'postgres/shop/');
    const blocks = await azurite.container(CONTAINER).getBlockBlobClient(blob.name).getBlockList('committed');
    expect(blocks.committedBlocks!.length).toBeGreaterThan(1);
    expect(blocks.committedBlocks!.slice(0, -1).every((b) => b.size === 1 << 20)).toBe(true);
    const bytes = await azurite.download(CONTAINER, blob.name);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(blob.metadata.sha256);
    expect(String(bytes.length)).toBe(blob.metadata.size);
    // The blob is byte for byte the stream pg_dump wrote (sha256 and size taken by the dump
    // container, above), and pg_restore reads it as an archive.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-staged-')), 'dump');
    fs.writeFileSync(file, bytes);
    const listed = execFileSync(`${tools.postgresBin}/pg_restore`, ['--list', file]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(String(listed)).toMatch(/TABLE DATA public orders/);
    await azurite.container(CONTAINER).deleteBlob(blob.name);
    await azurite.container(CONTAINER).deleteBlob(blob.name.replace(/\.dump$/, '.globals.sql'));
  }, 120_000);

  it('the dump killed while blocks are being staged: the Job fails and only uncommitted blocks remain', async () => {
    let killed = false;
    let poller: NodeJS.Timeout | undefined;
    const pod = await runPod(smallBlocksPod('big'), tools, {
      secrets: secrets(),
      onStart: (container, pid) => {
        if (container !== 'dump') return;
        poller = setInterval(() => {
          const dump = descendants(pid).find((p) => p.command === 'pg_dump');
          if (dump && writtenBytes(dump.pid) > 8 * 1024 * 1024) {
            process.kill(dump.pid, 'SIGKILL');
            killed = true;
            clearInterval(poller);
          }
        }, 10);
      },
    });
    clearInterval(poller);
    cleanUp(pod);
    expect(killed).toBe(true);
    expect(pod.runs.map((r) => [r.name, r.code === 0])).toEqual([
      ['dump', false],
      ['upload', false],
    ]);
    expect(pod.runs[1].output).toMatch(/FAILED: the dump step failed \(see its log\): nothing was uploaded/);
    expect(await azurite.list(CONTAINER)).toEqual([]);
    const left = await everything();
    expect(left.length).toBeLessThanOrEqual(1);
    for (const blob of left) expect(blob).toMatchObject({ committed: 0, uncommitted: expect.any(Number) });
    expect(left[0]?.uncommitted ?? 0).toBeGreaterThan(1);
  }, 120_000);

  /** Runs the small-blocks backup of `shop` with a `curl` shim (bash lines) ahead of the real one on PATH. */
  async function withCurlShim(lines: string[]) {
    // `held`: beside the shim, somewhere the pod's user may write, for a shim that holds blocks back.
    return withShims({ curl: ['held=${0%/*}/held', ...lines] }, async (shim) => {
      fs.mkdirSync(path.join(shim, 'held'), { mode: 0o777 });
      fs.chmodSync(path.join(shim, 'held'), 0o777);
      const pod = await runPod(smallBlocksPod('shop'), tools, { secrets: secrets(), pathPrefix: shim });
      cleanUp(pod);
      const orderFile = path.join(shim, 'held', 'order');
      // The block indexes in the order a holding shim staged them.
      const order = fs.existsSync(orderFile) ? fs.readFileSync(orderFile, 'utf8').trim().split('\n').map(Number) : [];
      return Object.assign(pod, { order });
    });
  }

  /** The one committed dump of `shop` (and its globals) hashes to its recorded sha256; then both are deleted. */
  async function expectCommittedDumpWhole() {
    const blobs = await azurite.list(CONTAINER, 'postgres/shop/');
    expect(blobs.map((b) => b.name)).toEqual([
      expect.stringMatching(/\.dump$/),
      blobs[0].name.replace(/\.dump$/, '.globals.sql'),
    ]);
    const bytes = await azurite.download(CONTAINER, blobs[0].name);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(blobs[0].metadata.sha256);
    for (const blob of blobs) await azurite.container(CONTAINER).deleteBlob(blob.name);
  }

  it('every block staged twice, the first time with wrong bytes: the last one wins and the blob hashes right', async () => {
    // Fault injection: a curl that sends each block first as garbage under the same id (a retry
    // after a damaged attempt), then the real one.
    const pod = await withCurlShim([
      'config=$(cat /dev/fd/3)',
      'if [[ $config == *comp=block\\&* ]]; then',
      '  head --bytes=1000 /dev/urandom | /usr/bin/curl "$@" 3<<< "$config" > /dev/null || exit',
      'fi',
      'exec /usr/bin/curl "$@" 3<<< "$config"',
    ]);
    expect(pod.succeeded, pod.log).toBe(true);
    await expectCommittedDumpWhole();
  }, 120_000);

  it('every block staged twice, a damaged copy arriving after the good one: the backup fails and commits nothing', async () => {
    // A late duplicate (a retry whose first attempt was still in flight) would replace the good
    // block silently: the check of the staged block list before the commit catches it.
    const pod = await withCurlShim([
      'config=$(cat /dev/fd/3)',
      'if [[ $config == *comp=block\\&* ]]; then',
      '  /usr/bin/curl "$@" 3<<< "$config" || exit',
      '  head --bytes=1000 /dev/urandom | /usr/bin/curl "$@" 3<<< "$config" > /dev/null',
      '  exit',
      'fi',
      'exec /usr/bin/curl "$@" 3<<< "$config"',
    ]);
    expect(pod.succeeded).toBe(false);
    const upload = pod.runs.find((r) => r.name === 'upload')!;
    expect(upload.output).toMatch(/block 0 \(MDAwMDAw\) is 1000 bytes in storage, 1048576 were staged/);
    expect(upload.output).toMatch(/FAILED: the blocks stored for \S+ are not those staged .*: nothing was committed/);
    expect(await azurite.list(CONTAINER)).toEqual([]);
    const left = await everything();
    for (const blob of left) expect(blob.committed).toBe(0);
    for (const blob of left)
      await azurite
        .container(CONTAINER)
        .deleteBlob(blob.name)
        .catch(() => undefined);
  }, 120_000);

  it('blocks staged out of order (all held back, then sent last first): the commit lists them by index and the blob hashes right', async () => {
    // The shim answers each block at once with its size (as curl's --write-out would) but keeps
    // it; at the first block-list request it stages them all in reverse order.
    const pod = await withCurlShim([
      'config=$(cat /dev/fd/3)',
      'if [[ $config == *comp=block\\&* ]]; then',
      '  [[ $config =~ blockid=([A-Za-z0-9+/=]+) ]] || exit 2',
      '  key=$(printf %s "${BASH_REMATCH[1]}" | base64 -d)',
      '  cat > "$held/$key.block" && printf %s "$config" > "$held/$key.config" && printf "%q " "$@" > "$held/args"',
      '  stat --format=%s "$held/$key.block"',
      '  exit',
      'fi',
      'if [[ $config == *comp=blocklist* ]]; then',
      '  for block in $(ls "$held" | grep "\\.block$" | sort -r); do',
      '    key=${block%.block}',
      '    eval "/usr/bin/curl $(< "$held/args")" 3< "$held/$key.config" < "$held/$block" > /dev/null || exit',
      '    rm "$held/$block"',
      '    printf "%s\\n" "$key" >> "$held/order"',
      '  done',
      'fi',
      'exec /usr/bin/curl "$@" 3<<< "$config"',
    ]);
    expect(pod.succeeded, pod.log).toBe(true);
    expect(pod.order.length).toBeGreaterThan(2);
    expect(pod.order).toEqual([...pod.order].sort((a, b) => b - a));
    expect(pod.order.at(-1)).toBe(0);
    await expectCommittedDumpWhole();
  }, 120_000);
});
