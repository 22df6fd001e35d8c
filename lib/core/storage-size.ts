import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { invalid } from './errors';

const UNITS = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 } as const;
type Unit = keyof typeof UNITS;
const SIZE_TEXT = /^([1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi)$/;
const ALLOWED = 'a positive whole number with a binary unit, like "512Mi", "10Gi" or "1Ti" (Ki, Mi, Gi, Ti, Pi)';

/** The forms a size prop takes: a {@link StorageSize}, a cdk8s `Size`, or text like "10Gi". */
export type SizeInput = StorageSize | Size | string;

/** A cdk8s Size from another copy of cdk8s (instanceof fails across copies). */
function isSizeLike(value: unknown): value is Size {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Size).toKibibytes === 'function' &&
    typeof (value as Size).toGibibytes === 'function'
  );
}

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

  /**
   * Accepts a size in any of the forms props take — a `StorageSize`, a cdk8s `Size` (also from
   * another copy of cdk8s, recognised by its conversion methods) or text like "10Gi" — so that a bad
   * value names the construct and the prop that got it. A `Size` is converted exactly, to bytes.
   */
  public static from(value: SizeInput, scope: IConstruct | string, field: string): StorageSize {
    if (value instanceof StorageSize) return value;
    if (value && typeof value === 'object' && typeof (value as unknown as StorageSize).toBytes === 'function') {
      return new StorageSize((value as unknown as StorageSize).toBytes());
    }
    if (value instanceof Size || isSizeLike(value)) return StorageSize.fromCdk8sSize(value, scope, field);
    if (value !== null && typeof value === 'object') {
      invalid(scope, field, value, `${ALLOWED}, a StorageSize or a cdk8s Size such as Size.gibibytes(10)`);
    }
    return StorageSize.parse(value as string, scope, field);
  }

  private static fromCdk8sSize(size: Size, scope: IConstruct | string, field: string): StorageSize {
    // Kibibytes are the smallest unit a Size has; without rounding they convert every Size exactly.
    const kibibytes = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
    const bytes = kibibytes * 1024;
    const text = `${kibibytes}Ki`;
    if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % 1024 !== 0) {
      invalid(scope, field, text, 'a positive whole number of KiB (a Size of whole kibibytes or more), at most 8Pi');
    }
    return new StorageSize(bytes);
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
