import { IConstruct } from 'constructs';
import { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { invalid } from './errors';

const UNITS = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 } as const;
type Unit = keyof typeof UNITS;
const SIZE_TEXT = /^([1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi)$/;
const ALLOWED = 'a positive whole number with a binary unit, like "512Mi", "10Gi" or "1Ti" (Ki, Mi, Gi, Ti, Pi)';

/**
 * A storage size in bytes, always positive and whole. Accepts only binary units because Azure
 * provisions disks and shares in GiB: "10 GB", "10G" (decimal), "0Gi" and "-1Gi" are all rejected,
 * which stops the classic claim that asks for 10 gigabytes and gets a disk rounded the wrong way.
 */
export class StorageSize {
  /** Size of `n` kibibytes. */
  public static kibibytes(n: number): StorageSize {
    return StorageSize.ofUnit(n, 'Ki');
  }
  /** Size of `n` mebibytes. */
  public static mebibytes(n: number): StorageSize {
    return StorageSize.ofUnit(n, 'Mi');
  }
  /** Size of `n` gibibytes. */
  public static gibibytes(n: number): StorageSize {
    return StorageSize.ofUnit(n, 'Gi');
  }
  /** Size of `n` tebibytes. */
  public static tebibytes(n: number): StorageSize {
    return StorageSize.ofUnit(n, 'Ti');
  }

  /**
   * Parses a Kubernetes-style binary quantity ("10Gi"). `scope` and `field` name the prop in the
   * error when the text is wrong.
   */
  public static parse(text: string, scope: IConstruct | string = 'StorageSize', field = 'size'): StorageSize {
    const match = typeof text === 'string' ? SIZE_TEXT.exec(text) : null;
    if (!match) invalid(scope, field, text, ALLOWED);
    const bytes = Number(match[1]) * UNITS[match[2] as Unit];
    if (!Number.isSafeInteger(bytes)) invalid(scope, field, text, `${ALLOWED}, at most 8Pi`);
    return new StorageSize(bytes);
  }

  /** Accepts a size or its text form in props, so that a bad string names the construct that got it. */
  public static from(value: StorageSize | string, scope: IConstruct | string, field: string): StorageSize {
    if (value instanceof StorageSize) return value;
    if (value && typeof value === 'object' && typeof (value as StorageSize).toBytes === 'function') {
      return new StorageSize((value as StorageSize).toBytes());
    }
    return StorageSize.parse(value as string, scope, field);
  }

  private static ofUnit(n: number, unit: Unit): StorageSize {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
      invalid('StorageSize', `${unit} count`, n, 'a positive whole number (use a smaller unit for fractions)');
    }
    const bytes = n * UNITS[unit];
    if (!Number.isSafeInteger(bytes)) invalid('StorageSize', `${unit} count`, n, 'at most 8Pi in total');
    return new StorageSize(bytes);
  }

  private constructor(private readonly bytes: number) {}

  /** Size in bytes. */
  public toBytes(): number {
    return this.bytes;
  }

  /** Size in GiB, rounded up: Azure bills and provisions whole GiB. */
  public toGibibytesCeil(): number {
    return Math.ceil(this.bytes / UNITS.Gi);
  }

  /** True when the size is a whole number of GiB. */
  public isWholeGibibytes(): boolean {
    return this.bytes % UNITS.Gi === 0;
  }

  /** The Kubernetes quantity text in the largest unit that divides the size exactly ("1Ti", "1536Mi"). */
  public toString(): string {
    const units = Object.entries(UNITS).reverse() as Array<[Unit, number]>;
    for (const [unit, factor] of units) {
      if (this.bytes % factor === 0) return `${this.bytes / factor}${unit}`;
    }
    return String(this.bytes);
  }

  /** The size as a typed cdk8s quantity (an untyped string in a JSON patch synthesizes as null). */
  public toQuantity(): Quantity {
    return Quantity.fromString(this.toString());
  }

  /** Compares by bytes. */
  public isSmallerThan(other: StorageSize): boolean {
    return this.bytes < other.bytes;
  }

  /** Compares by bytes. */
  public equals(other: StorageSize): boolean {
    return this.bytes === other.bytes;
  }
}
