import { describe, expect, it } from 'vitest';
import { StorageSize } from '../../lib';

describe('StorageSize', () => {
  it('parses binary quantities and prints them in the largest exact unit', () => {
    expect(StorageSize.parse('10Gi').toBytes()).toBe(10 * 1024 ** 3);
    expect(StorageSize.parse('1024Gi').toString()).toBe('1Ti');
    expect(StorageSize.mebibytes(1536).toString()).toBe('1536Mi');
    expect(StorageSize.gibibytes(3).toQuantity().value).toBe('3Gi');
  });

  it('rounds up to whole GiB and knows when a size is whole', () => {
    expect(StorageSize.mebibytes(1025).toGibibytesCeil()).toBe(2);
    expect(StorageSize.mebibytes(1024).isWholeGibibytes()).toBe(true);
    expect(StorageSize.mebibytes(1536).isWholeGibibytes()).toBe(false);
  });

  it('compares sizes by bytes', () => {
    expect(StorageSize.gibibytes(1).isSmallerThan(StorageSize.mebibytes(1025))).toBe(true);
    expect(StorageSize.tebibytes(1).equals(StorageSize.gibibytes(1024))).toBe(true);
  });

  it.each(['10 GB', '10G', '10', '0Gi', '-1Gi', '1.5Gi', 'Gi', ' 10Gi', '10gi', ''])(
    'rejects %j naming the field and the allowed form',
    (text) => {
      expect(() => StorageSize.parse(text, 'app/claim', 'size')).toThrow(
        new RegExp(
          `^app/claim: size ${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not allowed: a positive whole number with a binary unit, like "512Mi"`,
        ),
      );
    },
  );

  it('rejects zero, negative and fractional unit counts', () => {
    expect(() => StorageSize.gibibytes(0)).toThrow(/Gi count 0 is not allowed: a positive whole number/);
    expect(() => StorageSize.gibibytes(-5)).toThrow(/Gi count -5 is not allowed/);
    expect(() => StorageSize.gibibytes(0.5)).toThrow(/use a smaller unit for fractions/);
    expect(() => StorageSize.tebibytes(1e9)).toThrow(/at most 8Pi/);
  });

  it('from() accepts a size or text and names the construct for bad text', () => {
    expect(StorageSize.from('2Gi', 'x', 'size').equals(StorageSize.gibibytes(2))).toBe(true);
    expect(StorageSize.from(StorageSize.gibibytes(2), 'x', 'size').toString()).toBe('2Gi');
    expect(() => StorageSize.from('2 GiB', 'chart/data', 'size')).toThrow(/^chart\/data: size "2 GiB" is not allowed/);
  });
});

describe('StorageSize.from', () => {
  it('converts a cdk8s Size exactly', async () => {
    const { Size } = await import('cdk8s');
    expect(StorageSize.from(Size.gibibytes(10), 'app/x', 'size').toString()).toBe('10Gi');
    expect(StorageSize.from(Size.mebibytes(1536), 'app/x', 'size').toBytes()).toBe(1536 * 1024 ** 2);
    expect(StorageSize.from(Size.tebibytes(1), 'app/x', 'size').toString()).toBe('1Ti');
  });

  it('converts a Size from another copy of cdk8s by its class and data', () => {
    // What another copy's Size is: an instance of its own classes named Size and StorageUnit.
    class StorageUnit {
      constructor(public readonly inKibiBytes: number) {}
    }
    class Size {
      constructor(
        public readonly amount: number,
        public readonly unit: StorageUnit,
      ) {}
    }
    const foreign = new Size(2, new StorageUnit(1024));
    expect(StorageSize.from(foreign as never, 'app/x', 'size').toString()).toBe('2Mi');
    expect(() => StorageSize.from(new Size(2, new StorageUnit(1000)) as never, 'app/x', 'size')).toThrow(
      /^app\/x: size .* is not allowed/,
    );
  });

  it('refuses look-alike objects: a toBytes() or the conversion methods alone do not make a size', () => {
    for (const fake of [
      { toBytes: () => 1 },
      { toBytes: () => -5 },
      { toKibibytes: () => 2048, toGibibytes: () => 0 },
      { amount: 2, unit: { inKibiBytes: 1024 } },
    ]) {
      expect(() => StorageSize.from(fake as never, 'app/x', 'size')).toThrow(
        /^app\/x: size .* is not allowed: .*a cdk8s Size such as Size.gibibytes\(10\)/,
      );
    }
  });

  it('rejects a zero or fractional-KiB Size with the validation error, not a JSON dump', async () => {
    const { Size } = await import('cdk8s');
    expect(() => StorageSize.from(Size.gibibytes(0), 'app/x', 'size')).toThrow(
      /^app\/x: size "0Ki" is not allowed: a positive whole number of KiB/,
    );
    expect(() => StorageSize.from(Size.kibibytes(1.5), 'app/x', 'size')).toThrow(/size "1.5Ki" is not allowed/);
  });

  it('rejects other objects and numbers naming the field', () => {
    expect(() => StorageSize.from({ gigabytes: 10 } as never, 'app/x', 'size')).toThrow(
      /^app\/x: size \{"gigabytes":10\} is not allowed: .*a cdk8s Size such as Size.gibibytes\(10\)/,
    );
    expect(() => StorageSize.from(10 as never, 'app/x', 'size')).toThrow(/^app\/x: size 10 is not allowed/);
  });
});
