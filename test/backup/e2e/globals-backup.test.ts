/**
 * The globals of a backup, end to end with real PostgreSQL, Azurite and az (see
 * backup-restore.test.ts): `pg_dumpall --globals-only --no-role-passwords` of the source, stored as
 * `<stamp>.globals.sql` beside the dump before the dump is committed, and named by its hash in the
 * dump's metadata. Any failure of the globals commits no dump.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Azurite } from './support/azurite';
import { CONTAINER, backupPod, secrets } from './support/fixture';
import { PostgresCluster } from './support/postgres-cluster';
import { cleanUp, runPod } from './support/run-pod';
import { withShims } from './support/shims';
import { sha256, startShopEnvironment, stopShopEnvironment } from './support/shop-environment';
import { E2eTools } from './support/tools';

const REPORTING_PASSWORD = 'reporting-e2e-password';

let tools: E2eTools;
let cluster: PostgresCluster;
let azurite: Azurite;

async function deleteAll(): Promise<void> {
  for (const blob of await azurite.list(CONTAINER)) await azurite.container(CONTAINER).deleteBlob(blob.name);
}

beforeAll(async () => {
  ({ tools, cluster, azurite } = await startShopEnvironment());
  // A role of the cluster, not of the database: a dump of shop alone does not create it. It has a
  // password (whose hash must never leave the server), a setting, and a member.
  await cluster.sql(
    'postgres',
    `CREATE ROLE reporting NOLOGIN PASSWORD '${REPORTING_PASSWORD}';
    ALTER ROLE reporting SET work_mem = '8MB';
    GRANT reporting TO app`,
  );
}, 120_000);

afterAll(() => stopShopEnvironment({ cluster, azurite }), 60_000);

describe('the globals of a backup', () => {
  it('are stored beside the dump, before its commit, with their hash in its metadata, and hold the roles without passwords', async () => {
    const pod = await runPod(backupPod(tools, cluster, azurite), tools, { secrets: secrets() });
    cleanUp(pod);
    expect(pod.succeeded, pod.log).toBe(true);

    const blobs = await azurite.list(CONTAINER);
    expect(blobs.map((b) => b.name)).toEqual([
      expect.stringMatching(/^postgres\/shop\/\d{8}T\d{6}Z\.dump$/),
      expect.stringMatching(/^postgres\/shop\/\d{8}T\d{6}Z\.globals\.sql$/),
    ]);
    const [dump, globals] = blobs;
    expect(globals.name).toBe(dump.name.replace(/\.dump$/, '.globals.sql'));

    const text = await azurite.download(CONTAINER, globals.name);
    expect(globals.metadata).toEqual({ sha256: sha256(text), size: String(text.length), kind: 'globals' });
    expect(dump.metadata).toMatchObject({ globals_sha256: sha256(text), globals_size: String(text.length) });
    const properties = await azurite.container(CONTAINER).getBlobClient(globals.name).getProperties();
    expect(properties.blobType).toBe('BlockBlob');

    const sql = text.toString('utf8');
    expect(sql).toMatch(/^CREATE ROLE reporting;$/m);
    expect(sql).toMatch(/^CREATE ROLE app;$/m);
    expect(sql).toMatch(/^ALTER ROLE reporting SET work_mem TO '8MB';$/m);
    expect(sql).toMatch(/^GRANT reporting TO app /m);
    expect(sql).not.toMatch(/PASSWORD|SCRAM-SHA-256|md5[0-9a-f]{32}/i);
    expect(sql).not.toContain(REPORTING_PASSWORD);

    // Stored after the dump was verified and before its block list was committed.
    const upload = pod.runs[1].output;
    const stored = upload.indexOf(`[upload] stored the globals as ${globals.name}`);
    expect(stored, upload).toBeGreaterThan(-1);
    expect(stored).toBeLessThan(upload.indexOf(`[upload] committing ${dump.name}`));
    expect(pod.runs[0].output).toMatch(/\[dump\] globals dumped: \d+ bytes, sha256 [0-9a-f]{64}/);
    await deleteAll();
  }, 120_000);

  it('fail the backup when pg_dumpall cannot read them (role memberships hidden from the user), and no dump is committed', async () => {
    // A hardened source: membership in roles hidden from ordinary users. pg_dump of shop does not
    // need pg_auth_members and would succeed; pg_dumpall --globals-only does.
    await cluster.sql('shop', 'REVOKE SELECT ON pg_catalog.pg_auth_members FROM PUBLIC');
    try {
      const pod = await runPod(backupPod(tools, cluster, azurite), tools, { secrets: secrets() });
      cleanUp(pod);
      expect(
        pod.runs.map((r) => [r.name, r.code === 0]),
        pod.log,
      ).toEqual([
        ['dump', false],
        ['upload', false],
      ]);
      expect(pod.runs[0].output).toMatch(/permission denied for table pg_auth_members/);
      expect(pod.runs[0].output).toMatch(
        /\[dump\] FAILED: pg_dumpall --globals-only failed \(see above\): the roles and tablespaces cannot be backed up, so nothing is/,
      );
      expect(pod.runs[0].output).not.toMatch(/\[dump\] dumping shop/);
      expect(pod.runs[1].output).toMatch(/FAILED: the dump step failed \(see its log\): nothing was uploaded/);
      expect(await azurite.list(CONTAINER)).toEqual([]);
    } finally {
      await cluster.sql('shop', 'GRANT SELECT ON pg_catalog.pg_auth_members TO PUBLIC');
    }
  }, 120_000);

  it('changed on the scratch volume after the dump recorded them: the upload stores neither them nor the dump', async () => {
    // Fault injection: a pg_dumpall that works, then (a lying volume) appends a line to the file once
    // the dump has hashed it and the upload is reading the stream, well before the dump is ready.
    await withShims(
      {
        pg_dumpall: [
          `"${tools.postgresBin}/pg_dumpall" "$@" || exit`,
          "(until [[ -f staging ]]; do sleep 0.01; done; printf -- '-- changed\\n' >> globals.sql) > /dev/null 2>&1 &",
        ],
      },
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
        const recorded = /\[dump\] globals dumped: (\d+) bytes, sha256 ([0-9a-f]{64})/.exec(pod.runs[0].output)!;
        expect(pod.runs[1].output).toContain(
          `FAILED: the globals read here (${Number(recorded[1]) + 11} bytes, sha256 `,
        );
        expect(pod.runs[1].output).toContain(
          `are not those the dump recorded (${recorded[1]} bytes, sha256 ${recorded[2]}): nothing was committed`,
        );
        expect(pod.runs[1].output).not.toMatch(/\[upload\] (stored|committing)/);
        expect(await azurite.list(CONTAINER)).toEqual([]);
      },
    );
  }, 120_000);

  it('are never overwritten: a globals blob of that name already there fails the upload, and the dump is not committed', async () => {
    let planted = '';
    let planting: Promise<void> | undefined;
    const pod = await runPod(backupPod(tools, cluster, azurite), tools, {
      secrets: secrets(),
      beforeStart: (container, volumes) => {
        if (container !== 'upload') return;
        // Another writer gets to the globals' name first, as soon as the dump container names the blob.
        const nameFile = path.join(volumes.scratch, 'blob-name');
        planting = (async () => {
          while (!fs.existsSync(nameFile) || !fs.readFileSync(nameFile, 'utf8').endsWith('\n'))
            await new Promise((r) => setTimeout(r, 5));
          planted = fs
            .readFileSync(nameFile, 'utf8')
            .trim()
            .replace(/\.dump$/, '.globals.sql');
          await azurite.container(CONTAINER).getBlockBlobClient(planted).upload('not mine', 8);
        })();
      },
    });
    await planting;
    cleanUp(pod);
    expect(
      pod.runs.map((r) => [r.name, r.code]),
      pod.log,
    ).toEqual([
      ['dump', 0],
      ['upload', 1],
    ]);
    expect(pod.runs[1].output).toMatch(
      /returned error: 409[\s\S]*FAILED: storing the globals as \S+ failed \(an existing blob is never replaced\): nothing was committed/,
    );
    expect(pod.runs[1].output).not.toMatch(/\[upload\] committing/);
    expect((await azurite.list(CONTAINER)).map((b) => b.name)).toEqual([planted]);
    expect((await azurite.download(CONTAINER, planted)).toString()).toBe('not mine');
    await deleteAll();
  }, 120_000);
});
