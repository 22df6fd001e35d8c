import { describe, expect, it } from 'vitest';
import { AksStatefulValidationError, BackupCronJob, BackupCronJobProps } from '../../lib';
import { CONNECTION, STORAGE, envOf, podOf, rejected, synthByKind, testChart } from './helpers';

/** The dump container's DUMP_COMPRESSION, from a synthesized (and validated) CronJob. */
function dumpCompression(props: Partial<BackupCronJobProps>): string {
  const chart = testChart();
  const backup = new BackupCronJob(chart, 'backup', { database: CONNECTION, storage: STORAGE, ...props });
  const value = String(envOf(podOf(synthByKind(chart).only('CronJob')).containers[0]).DUMP_COMPRESSION);
  expect(backup.compression).toBe(value);
  return value;
}

function build(props: Record<string, unknown>) {
  return () => new BackupCronJob(testChart(), 'backup', { database: CONNECTION, storage: STORAGE, ...props } as any);
}

const ALLOWED = "'gzip' (the default), 'gzip:0' to 'gzip:9', 'lz4', 'lz4:1' to 'lz4:12', 'zstd', 'zstd:1' to 'zstd:22'";

describe('BackupCronJob compression', () => {
  it("defaults to 'gzip', pg_dump's own default", () => {
    expect(dumpCompression({})).toBe('gzip');
  });

  it('passes every gzip level and none to a PostgreSQL 15 pg_dump', () => {
    for (const value of ['gzip', 'none', ...Array.from({ length: 10 }, (_, level) => `gzip:${level}`)]) {
      expect(dumpCompression({ compression: value as any })).toBe(value);
    }
  });

  it('passes lz4 and zstd, at every level, to a PostgreSQL 16+ pg_dump', () => {
    const values = [
      'lz4',
      'zstd',
      ...Array.from({ length: 12 }, (_, i) => `lz4:${i + 1}`),
      ...Array.from({ length: 22 }, (_, i) => `zstd:${i + 1}`),
    ];
    for (const value of values) {
      expect(dumpCompression({ compression: value as any, postgresImage: 'postgres:16' })).toBe(value);
    }
    expect(dumpCompression({ compression: 'zstd:22', postgresImage: 'postgres:17.2-bookworm' })).toBe('zstd:22');
  });

  it.each<[unknown, string]>([
    ['gzip:10', '"gzip:10"'],
    ['gzip:-1', '"gzip:-1"'],
    ['lz4:0', '"lz4:0"'],
    ['lz4:13', '"lz4:13"'],
    ['zstd:0', '"zstd:0"'],
    ['zstd:23', '"zstd:23"'],
    ['zstd:03', '"zstd:03"'],
    ['brotli', '"brotli"'],
    [' gzip', '" gzip"'],
    ['gzip ', '"gzip "'],
    ['GZIP', '"GZIP"'],
    ['gzip:', '"gzip:"'],
    ['none:0', '"none:0"'],
    ['', '""'],
    [6, '6'],
    [0, '0'],
    [null, 'null'],
    [true, 'true'],
    [{ method: 'gzip' }, '{"method":"gzip"}'],
    [['gzip'], '["gzip"]'],
  ])('refuses %j by name, value and what is allowed', (value, shown) => {
    expect(build({ compression: value, postgresImage: 'postgres:17' })).toThrow(
      rejected('test/backup', 'compression', shown, ALLOWED),
    );
    expect(build({ compression: value, postgresImage: 'postgres:17' })).toThrow(AksStatefulValidationError);
  });

  it.each(['lz4', 'lz4:12', 'zstd', 'zstd:19'])(
    'refuses %s with a PostgreSQL 15 pg_dump, naming the client major',
    (value) => {
      expect(build({ compression: value })).toThrow(
        rejected(
          'test/backup',
          'compression',
          JSON.stringify(value),
          "lz4 and zstd need pg_dump 16 or later, and the image's pg_dump is PostgreSQL 15",
        ),
      );
      expect(build({ compression: value, postgresImage: 'postgres:15.8' })).toThrow(/pg_dump is PostgreSQL 15/);
    },
  );
});
