import { describe, expect, it } from 'vitest';
import { runFunctions } from './run-functions';

describe("holding back pg_restore's COMMIT", () => {
  /** Runs the restore script's hold_back_commit on `input`; returns its output, exit status and errors. */
  function hold(input: string): { status: number; output: string; error: string } {
    const result = runFunctions(['common', 'stream'], 'hold_back_commit', { input });
    return { status: result.status, output: result.stdout, error: result.stderr };
  }
  const tail = '\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbC123\n\n';

  it('passes everything but the final COMMIT and what follows it, even a data row that reads COMMIT;', () => {
    const sql = 'BEGIN;\n\nCOPY public.t (a) FROM stdin;\nCOMMIT;\n\\.\n\nSELECT pg_catalog.lo_close(0);\n\nCOMMIT;\n';
    expect(hold(sql + tail)).toEqual({
      status: 0,
      output: 'BEGIN;\n\nCOPY public.t (a) FROM stdin;\nCOMMIT;\n\\.\n\nSELECT pg_catalog.lo_close(0);\n\n',
      error: '',
    });
  });

  it('streams large output unchanged up to the final COMMIT', () => {
    const body = `BEGIN;\nCOPY public.t (a) FROM stdin;\n${'x'.repeat(100).concat('\n').repeat(30_000)}\\.\n`;
    const result = hold(`${body}COMMIT;\n${tail}`);
    expect(result.status).toBe(0);
    expect(result.output.length).toBe(body.length);
    expect(result.output === body).toBe(true);
  });

  it('fails when there is no final COMMIT, or anything but comments follows it', () => {
    const none = hold('BEGIN;\nCREATE TABLE t ();\n');
    expect(none.status).not.toBe(0);
    expect(none.error).toContain('pg_restore wrote no final COMMIT\n');
    const more = hold('BEGIN;\nCOMMIT;\nDROP TABLE t;\n');
    expect(more.status).not.toBe(0);
    expect(more.error).toContain('pg_restore wrote more after its COMMIT: DROP TABLE t;\n');
  });
});
