import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFunctions, withFakePrograms } from './run-functions';

describe('put_blob', () => {
  /**
   * Runs put_blob with a curl on PATH that records its arguments, the config it reads from fd 3 and
   * the body it would send, and exits with `curlStatus`.
   */
  function putBlob(curlStatus: number) {
    return withFakePrograms(
      (dir) => ({
        curl: [
          `printf '%s\\n' "$@" > ${JSON.stringify(path.join(dir, 'argv'))}`,
          `cat /dev/fd/3 > ${JSON.stringify(path.join(dir, 'config'))}`,
          // The body: --data-binary @<file>.
          'for ((i = 1; i <= $#; i++)); do',
          '  if [[ ${!i} == --data-binary ]]; then j=$((i + 1)); file=${!j#@}; fi',
          'done',
          `cat -- "$file" > ${JSON.stringify(path.join(dir, 'body'))}`,
          `exit ${curlStatus}`,
        ],
      }),
      (dir, PATH) => {
        const file = path.join(dir, 'globals.sql');
        fs.writeFileSync(file, 'CREATE ROLE reporting;\n');
        const r = runFunctions(
          ['common', 'blocks'],
          `put_blob ${JSON.stringify(file)} "$URL" 'x-ms-meta-sha256: abc' 'x-ms-meta-kind: globals' && echo stored`,
          {
            env: {
              PATH,
              X_MS_VERSION: '2021-08-06',
              URL: 'https://acct.blob.core.windows.net/dumps/postgres/shop/x.globals.sql?sv=2021&sig=SECRET%3D',
            },
          },
        );
        const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
        return { ...r, argv: read('argv').split('\n').filter(Boolean), config: read('config'), body: read('body') };
      },
    );
  }

  it('PUTs the file as a block blob that must not exist yet, with the metadata headers, the SAS only in the config on fd 3', () => {
    const r = putBlob(0);
    expect(r).toMatchObject({ status: 0, stdout: 'stored\n', stderr: '' });
    expect(r.config).toBe(
      'url = "https://acct.blob.core.windows.net/dumps/postgres/shop/x.globals.sql?sv=2021&sig=SECRET%3D"\n',
    );
    expect(r.argv.join(' ')).not.toMatch(/SECRET|sig=|blob\.core/);
    expect(r.body).toBe('CREATE ROLE reporting;\n');
    const headers = r.argv.flatMap((a, i) => (r.argv[i - 1] === '--header' ? [a] : []));
    expect(headers).toEqual([
      'x-ms-version: 2021-08-06',
      'x-ms-blob-type: BlockBlob',
      'If-None-Match: *',
      'Content-Type: application/sql',
      'x-ms-meta-sha256: abc',
      'x-ms-meta-kind: globals',
    ]);
    expect(r.argv).toEqual(expect.arrayContaining(['--fail', '--request', 'PUT', '--config', '/dev/fd/3']));
  });

  it('fails when curl does (e.g. 409 for a name that exists)', () => {
    const r = putBlob(22);
    expect(r.status).toBe(22);
    expect(r.stdout).toBe('');
  });
});

describe('stage_blocks', () => {
  /**
   * Stages `input` in blocks of `blockBytes` with a curl on PATH that keeps each body under its
   * block id, holds on to it for `holdSeconds` (Azure's answer taking time) and records how many
   * curls were running at once; the block ids in `failing` exit 22. With `stalled`, curl waits
   * that long before it reads its body, and stage_blocks waits `readSeconds` for a body to be read.
   */
  function stage(
    input: Buffer,
    blockBytes: number,
    holdSeconds: number,
    failing: string[] = [],
    { stalled = 0, readSeconds }: { stalled?: number; readSeconds?: number } = {},
  ) {
    const bodiesOf = (dir: string) => path.join(dir, 'bodies');
    return withFakePrograms(
      (dir) => ({
        curl: [
          'config=$(< /dev/fd/3)',
          `echo $$ >> ${JSON.stringify(path.join(dir, 'pids'))}`,
          '[[ $config =~ blockid=([A-Za-z0-9+/=]+) ]] || exit 2',
          'id=${BASH_REMATCH[1]//\\//_}',
          // Holding no pipe of the test's: once stopped, curl must leave nothing behind that holds one.
          `sleep ${stalled} < /dev/null > /dev/null 2>&1 & wait $!`,
          `cat > ${JSON.stringify(bodiesOf(dir))}/"$id"`,
          // Running now: this one and every other that has its body and has not answered yet.
          `: > ${JSON.stringify(dir)}/running."$id"`,
          `ls ${JSON.stringify(dir)} | grep -c '^running\\.' >> ${JSON.stringify(path.join(dir, 'concurrency'))}`,
          `sleep ${holdSeconds}`,
          `rm -f ${JSON.stringify(dir)}/running."$id"`,
          `case $id in ${failing.length ? failing.join('|') : '-none-'}) exit 22 ;; esac`,
          `stat --format=%s ${JSON.stringify(bodiesOf(dir))}/"$id"`,
        ],
      }),
      (dir, PATH) => {
        const bodies = bodiesOf(dir);
        fs.mkdirSync(bodies);
        const r = runFunctions(
          ['common', 'blocks'],
          // On a failure the rest of the stream is read here, as the upload's tee would see it end.
          `stage_blocks "$SCRATCH_DIR/count" "$SCRATCH_DIR/sent" ${readSeconds ?? ''} || { status=$?; cat > /dev/null; exit $status; }
          echo "staged $(< "$SCRATCH_DIR/count") $(< "$SCRATCH_DIR/sent")"`,
          {
            env: {
              PATH,
              SCRATCH_DIR: dir,
              BLOB_URL: 'http://127.0.0.1:1/acct/c/x.dump?sv=2021-06-08&sig=secret',
              BLOCK_BYTES: String(blockBytes),
              MAX_BLOCKS: '50000',
              X_MS_VERSION: '2021-08-06',
            },
            input,
          },
        );
        // In the order of the index each id encodes (base64 of the zero-padded index).
        const index = (id: string) => Number(Buffer.from(id.replace(/_/g, '/'), 'base64').toString());
        const ids = fs.readdirSync(bodies).sort((a, b) => index(a) - index(b));
        const concurrency = fs.existsSync(path.join(dir, 'concurrency'))
          ? fs.readFileSync(path.join(dir, 'concurrency'), 'utf8').trim().split('\n').map(Number)
          : [];
        return {
          ...r,
          body: Buffer.concat(ids.map((id) => fs.readFileSync(path.join(bodies, id)))),
          ids,
          maxConcurrency: Math.max(0, ...concurrency),
          leftOver: fs.readdirSync(dir).filter((f) => f.startsWith('block')),
          // The curls alive once stage_blocks has returned.
          stillRunning: (fs.existsSync(path.join(dir, 'pids'))
            ? fs.readFileSync(path.join(dir, 'pids'), 'utf8').trim().split('\n').map(Number)
            : []
          ).filter((pid) => {
            try {
              process.kill(pid, 0);
              return true;
            } catch {
              return false;
            }
          }),
        };
      },
    );
  }

  const input = Buffer.from(Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(33 + (i % 90))).join(''));

  it('stages the stream in order as blocks of the size, up to three in flight while earlier ones await their answer', () => {
    const r = stage(input, 1000, 0.3);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('staged 10 10000\n');
    expect(r.ids).toHaveLength(10);
    expect(r.body.equals(input)).toBe(true);
    expect(r.maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(r.maxConcurrency).toBeLessThanOrEqual(3);
    expect(r.leftOver).toEqual([]);
  });

  it('a short last block, and nothing at all for an empty stream', () => {
    const r = stage(input.subarray(0, 2500), 1000, 0);
    expect(r.stdout).toBe('staged 3 2500\n');
    expect(r.body.equals(input.subarray(0, 2500))).toBe(true);
    const empty = stage(Buffer.alloc(0), 1000, 0);
    expect(empty.stdout).toBe('staged 0 0\n');
  });

  it('fails when a block fails for good, naming it', () => {
    // Block 0: base64 of "000000". Blocks 1 and 2 are still waiting for their answer when it fails.
    const r = stage(input, 1000, 1, ['MDAwMDAw']);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/staging block 0 failed/);
    // The blocks still in flight are stopped, and no scratch file of the staging stays behind.
    expect(r.leftOver).toEqual([]);
    expect(r.stillRunning).toEqual([]);
  });

  it('fails when a block is not taken from the stream in time, stopping its curl', () => {
    // A block larger than a pipe holds (64 KiB): the stream waits on a curl that does not read.
    const large = Buffer.alloc(300_000, 'x');
    const started = Date.now();
    const r = stage(large, 200_000, 0, [], { stalled: 30, readSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/block 0 was not read from the stream within 1 s/);
    expect(r.leftOver).toEqual([]);
    expect(r.stillRunning).toEqual([]);
  });
});
