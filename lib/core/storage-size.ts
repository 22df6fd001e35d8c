import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { kplusK8sModule } from './cdk8s-plus-modules';
import { invalid } from './errors';

const UNITS = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 } as const;
type Unit = keyof typeof UNITS;
const SIZE_TEXT = /^([1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi)$/;
const ALLOWED = 'a positive whole number with a binary unit, like "512Mi", "10Gi" or "1Ti" (Ki, Mi, Gi, Ti, Pi)';

/** The forms a size prop takes: a {@link StorageSize}, a cdk8s `Size`, or text like "10Gi". */
export type SizeInput = StorageSize | Size | string;

const KIBIBYTES_PER_UNIT = [1, 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4];

/**
 * The kibibytes of a cdk8s Size: a real one (instanceof), or one from another copy of cdk8s
 * (instanceof fails across copies), recognised by what a Size *is* — an instance of a class named
 * `Size` holding an `amount` and a `StorageUnit` of one of cdk8s's five units — not by methods any
 * object can have. Read from its data, never by calling into it. Undefined when it is not a Size.
 */
function cdk8sSizeKibibytes(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const data = value as { amount?: unknown; unit?: { inKibiBytes?: unknown } | null };
  const unit = data.unit;
  const shaped =
    value instanceof Size ||
    (Object.getPrototypeOf(value)?.constructor?.name === 'Size' &&
      unit !== null &&
      typeof unit === 'object' &&
      Object.getPrototypeOf(unit)?.constructor?.name === 'StorageUnit');
  if (!shaped || typeof data.amount !== 'number' || !KIBIBYTES_PER_UNIT.includes(unit?.inKibiBytes as number)) {
    return undefined;
  }
  return data.amount * (unit!.inKibiBytes as number);
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
   * another copy of cdk8s, recognised by its class and data, not by methods a look-alike object can
   * have) or text like "10Gi" — so that a bad value names the construct and the prop that got it.
   * A `Size` is converted exactly, to bytes. Any other object, even one with a `toBytes()`, is refused.
   */
  public static from(value: SizeInput, scope: IConstruct | string, field: string): StorageSize {
    if (value instanceof StorageSize) return value;
    const kibibytes = cdk8sSizeKibibytes(value);
    if (kibibytes !== undefined) return StorageSize.fromKibibytes(kibibytes, scope, field);
    if (value !== null && typeof value === 'object') {
      invalid(scope, field, value, `${ALLOWED}, a StorageSize or a cdk8s Size such as Size.gibibytes(10)`);
    }
    return StorageSize.parse(value as string, scope, field);
  }

  private static fromKibibytes(kibibytes: number, scope: IConstruct | string, field: string): StorageSize {
    // Kibibytes are the smallest unit a Size has: a whole number of them converts every valid Size exactly.
    const bytes = kibibytes * 1024;
    const text = `${kibibytes}Ki`;
    if (!Number.isSafeInteger(bytes) || !Number.isInteger(kibibytes) || bytes <= 0) {
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

  /**
   * The size as cdk8s-plus's typed quantity, for your own cdk8s-plus generated objects (`k8s.Kube*`)
   * and their JSON patches, whose converters drop an untyped string; loads cdk8s-plus. The library's
   * objects, and JSON patches on them, take the text ({@link toString}).
   */
  public toQuantity(): Quantity {
    return kplusK8sModule().Quantity.fromString(this.toString());
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
