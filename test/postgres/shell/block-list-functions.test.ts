import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

/** Block id of index i as block_id writes it: base64 of the six-digit index. */
const id = (i: number) => Buffer.from(String(i).padStart(6, '0')).toString('base64');

/** A Get Block List answer with the given blocks, formatted as Azure formats it (one element per line). */
function blockList(blocks: Array<[string, number]>): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<BlockList>',
    '  <UncommittedBlocks>',
    ...blocks.map(([name, size]) => `    <Block>\n      <Name>${name}</Name>\n      <Size>${size}</Size>\n    </Block>`),
    '  </UncommittedBlocks>',
    '</BlockList>',
  ].join('\n');
}

function check(xml: string, blocks: number, total: number) {
  return runFunctions(['common', 'blocks', 'block-list'], 'check_block_sizes "$(cat)" "$BLOCKS" "$TOTAL"', {
    env: { BLOCK_BYTES: '100', BLOCKS: String(blocks), TOTAL: String(total) },
    input: xml,
  });
}

describe('checking the staged blocks before the commit', () => {
  it('passes when every block is there with the size staged, in any order, extra blocks ignored', () => {
    const xml = blockList([
      [id(2), 42],
      ['c3RhbGU=', 7],
      [id(0), 100],
      [id(1), 100],
    ]);
    expect(check(xml, 3, 242)).toMatchObject({ status: 0, stderr: '' });
    // Compact XML (no whitespace between elements) reads the same.
    expect(check(xml.replace(/>\s+</g, '><'), 3, 242).status).toBe(0);
    expect(check(blockList([[id(0), 1]]), 1, 1).status).toBe(0);
  });

  it('fails naming the block when one is missing or holds other bytes than staged', () => {
    const missing = check(blockList([[id(0), 100], [id(2), 42]]), 3, 242);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`block 1 (${id(1)}) is missing bytes in storage, 100 were staged`);
    const short = check(blockList([[id(0), 100], [id(1), 1000], [id(2), 42]]), 3, 242);
    expect(short.status).not.toBe(0);
    expect(short.stderr).toContain(`block 1 (${id(1)}) is 1000 bytes in storage, 100 were staged`);
    const last = check(blockList([[id(0), 100], [id(1), 100], [id(2), 100]]), 3, 242);
    expect(last.stderr).toContain(`block 2 (${id(2)}) is 100 bytes in storage, 42 were staged`);
    expect(check('', 1, 5).status).not.toBe(0);
  });
});
