import * as path from 'node:path';
import { Yaml } from 'cdk8s';

/**
 * A YAML writer for the JSON that cdk8s synthesizes, giving byte for byte what cdk8s's
 * `Yaml.stringify` gives (the `yaml` 2.x package cdk8s depends on, with cdk8s's options:
 * YAML 1.1, `lineWidth: 0`, `keepUndefined`) — in a fraction of the time: `yaml` builds a whole
 * document tree of nodes before it writes one, which took 22–32 ms of a one-team synthesis (185 KB
 * of YAML) in a fresh process, most of it its code's first run, against 4–5 ms here
 * (docs/benchmarks.md).
 *
 * It writes what it can be sure of and nothing else: maps of plain objects, arrays, strings,
 * finite numbers, booleans and null, each object once per document. Any other document — an
 * object seen twice (`yaml` writes anchors), `undefined`, a class instance, an object with a
 * `toJSON` or an iterator, a string with control characters, a multi-line string that `yaml` would
 * quote, a key like `---`, `-0` — is handed to cdk8s's own `Yaml.stringify` whole. (So a getter in
 * such a document is read twice; cdk8s's resolved JSON has none.) The rules below mirror
 * `yaml`'s (its `stringifyString`, `stringifyPair` and `stringifyCollection`); a property test
 * (test/core/yaml-writer.test.ts) compares both on random documents and on every example.
 */

/** The cdk8s serializer this writer stands in for, kept to write what it does not handle. */
type Stringify = (...docs: unknown[]) => string;

/** A document this writer cannot vouch for: cdk8s's own serializer writes it. */
class NotHandled extends Error {}

const STEP = '  ';

/** Characters `yaml` always writes double-quoted (control characters and lone surrogates). */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern finds
const FORCES_DOUBLE_QUOTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/**
 * Strings `yaml` does not write plain (its own test, repeated here because the writer must quote
 * exactly the same strings): an indicator first, `- `/`? `, `: `, ` #`, a trailing space or colon.
 */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Lines that would start a new document when read as YAML 1.1 (`yaml` quotes such keys). */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const MAX_IMPLICIT_KEY = 1024;
/** How arrays iterate unless something changed it (yaml reads sequences through the iterator). */
const ARRAY_ITERATOR = Array.prototype[Symbol.iterator];

interface ScalarTag {
  readonly default?: unknown;
  readonly tag: string;
  readonly test?: RegExp;
  readonly identify?: (value: unknown) => boolean;
}

const STRING_TAG = 'tag:yaml.org,2002:str';
const MERGE_TAG = 'tag:yaml.org,2002:merge';
/** The merge key: yaml's merge tag, not its string tag, writes this string (plain, even as a value). */
const MERGE_KEY = '<<';

let typedPlainScalars: RegExp | null | undefined;

/**
 * The patterns of YAML 1.1 plain scalars that are not strings (`yes`, `0777`, `1:30`, `~`,
 * `2026-12-03`, `<<`...), taken from the very schema cdk8s's `yaml` writes with, so that the
 * same strings are quoted; as one pattern (one test per string instead of a dozen). `null` when
 * that package cannot be found or is not `yaml` 2.
 */
function typedPattern(): RegExp | null {
  if (typedPlainScalars !== undefined) return typedPlainScalars;
  typedPlainScalars = null;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- cdk8s's own copy of yaml, found from
       cdk8s's folder wherever npm put it (nested or hoisted): the one Yaml.stringify calls. The
       library does not depend on yaml itself, so it cannot import it by name. */
    const cdk8sDir = path.dirname(require.resolve('cdk8s'));
    const yamlPath = require.resolve('yaml', { paths: [cdk8sDir] });
    const yamlPackage = require(require.resolve('yaml/package.json', { paths: [cdk8sDir] })) as { version?: string };
    if (!/^2\./.test(yamlPackage.version ?? '')) return null;
    const yaml = require(yamlPath) as {
      Document: new (value: unknown, options: object) => { schema: { tags: ScalarTag[]; compat: ScalarTag[] | null } };
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { tags, compat } = new yaml.Document(null, { version: '1.1' }).schema;
    // A string is written by the string tag unless another tag claims it: in yaml 2, only the
    // merge tag does, for `<<` (handed over below). Another one would make this writer unsound.
    if (tags.some((tag) => tag.tag !== STRING_TAG && tag.tag !== MERGE_TAG && tag.identify?.('a'))) return null;
    const patterns = [...tags, ...(compat ?? [])].filter(
      (tag) => tag.default && tag.tag !== STRING_TAG && tag.test instanceof RegExp,
    );
    // Flags would change what a pattern means inside one alternation: yaml 2's have none.
    if (patterns.some((tag) => tag.test!.flags !== '')) return null;
    typedPlainScalars = new RegExp(patterns.map((tag) => `(?:${tag.test!.source})`).join('|'));
  } catch {
    typedPlainScalars = null;
  }
  return typedPlainScalars;
}

/** Writes `docs` as cdk8s's `Yaml.stringify(...docs)` would; `fallback` is that function. */
export function stringifyYaml(fallback: Stringify, docs: readonly unknown[]): string {
  const typed = typedPattern();
  // Names, labels and keys repeat across the objects: each distinct one-line string is judged once.
  const lines = new Map<string, string>();
  return docs
    .map((doc) => {
      if (doc === undefined) return '\n';
      if (typed) {
        try {
          return new DocumentWriter(typed, lines).document(doc);
        } catch (error) {
          if (!(error instanceof NotHandled)) throw error;
        }
      }
      return fallback.call(Yaml, doc);
    })
    .join('---\n');
}

/** One document's writing: remembers the objects seen, which `yaml` would write as aliases. */
class DocumentWriter {
  private readonly seen = new Set<object>();

  constructor(
    private readonly typed: RegExp,
    private readonly lines: Map<string, string>,
  ) {}

  document(doc: unknown): string {
    if (!isCollection(doc)) throw new NotHandled();
    return `${this.node(doc, '')}\n`;
  }

  /** `value` written at `indent`: its first line unindented, the next ones indented in full. */
  private node(value: unknown, indent: string): string {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return this.string(value, indent);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value) || Object.is(value, -0)) throw new NotHandled();
        return JSON.stringify(value);
      case 'object':
        // yaml writes what an object's toJSON() returns, and anything iterable as a sequence of
        // what its iterator yields: only arrays iterate as their elements.
        if (typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new NotHandled();
        if (Array.isArray(value)) {
          if (Object.getPrototypeOf(value) !== Array.prototype || value[Symbol.iterator] !== ARRAY_ITERATOR)
            throw new NotHandled();
          return this.sequence(value, indent);
        }
        if (Symbol.iterator in value) throw new NotHandled();
        return this.map(value, indent);
      default:
        throw new NotHandled();
    }
  }

  private sequence(items: readonly unknown[], indent: string): string {
    this.once(items);
    if (items.length === 0) return '[]';
    const itemIndent = indent + STEP;
    let out = '';
    for (let i = 0; i < items.length; i++) {
      // A hole or undefined: yaml writes `null` for one and skips nothing; not worth mirroring.
      if (!(i in items) || items[i] === undefined) throw new NotHandled();
      out += `${i === 0 ? '' : `\n${indent}`}- ${this.node(items[i], itemIndent)}`;
    }
    return out;
  }

  private map(value: object, indent: string): string {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new NotHandled();
    this.once(value);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0) return '{}';
    const valueIndent = indent + STEP;
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const item = record[key];
      if (item === undefined) throw new NotHandled();
      const written = this.node(item, valueIndent);
      // A non-empty collection starts on the next line; scalars, `{}` and `[]` on the key's.
      const separator = isCollection(item) && !isEmpty(item) ? `\n${valueIndent}` : ' ';
      out += `${i === 0 ? '' : `\n${indent}`}${this.key(key)}:${separator}${written}`;
    }
    return out;
  }

  private once(object: object): void {
    if (this.seen.has(object)) throw new NotHandled();
    this.seen.add(object);
  }

  private key(key: string): string {
    // yaml quotes a key that looks like a document marker at the top level only, and a value never:
    // such keys (rare) are handed over wherever they stand.
    if (key.includes('\n') || DOCUMENT_MARKER.test(key)) throw new NotHandled();
    const written = this.line(key);
    if (written.length > MAX_IMPLICIT_KEY) throw new NotHandled();
    return written;
  }

  private string(value: string, indent: string): string {
    if (!value.includes('\n')) return this.line(value);
    if (FORCES_DOUBLE_QUOTES.test(value)) throw new NotHandled();
    return literalBlock(value, indent);
  }

  /** A string without line breaks as yaml writes it, key or value (remembered). */
  private line(value: string): string {
    const known = this.lines.get(value);
    if (known !== undefined) return known;
    if (value === MERGE_KEY || FORCES_DOUBLE_QUOTES.test(value)) throw new NotHandled();
    const written = NOT_PLAIN.test(value) || this.typed.test(value) ? quoted(value) : value;
    this.lines.set(value, written);
    return written;
  }
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/**
 * Whether the last line is spaces or tabs only (yaml quotes such a string: a block cannot end in
 * white space): the test /\n[\t ]+$/, without a scan of the whole string from every line break.
 */
function endsInBlankLine(value: string): boolean {
  const lastBreak = value.lastIndexOf('\n');
  if (lastBreak < 0 || lastBreak === value.length - 1) return false;
  for (let i = lastBreak + 1; i < value.length; i++) if (value[i] !== ' ' && value[i] !== '\t') return false;
  return true;
}

/** A one-line string as yaml quotes it: single quotes if it has only double ones, else JSON's. */
function quoted(value: string): string {
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/**
 * A multi-line string as yaml writes it in a block collection at `indent` (never empty here): a
 * literal block, with yaml's chomping (`|-` for no final line break, `|` for one, `|+` for more or
 * for white space only) and indentation indicator (`|2` when the blank run it starts with holds a
 * space). A string whose last line is spaces or tabs only yaml quotes instead: handed over.
 */
function literalBlock(value: string, indent: string): string {
  if (endsInBlankLine(value)) throw new NotHandled();
  let textEnd = value.length;
  while (textEnd > 0 && ' \t\n'.includes(value[textEnd - 1])) textEnd--;
  let body = value.slice(0, textEnd);
  // The white space after the last text decides the chomping, and is kept as it is.
  let end = value.slice(textEnd);
  const firstBreak = end.indexOf('\n');
  const chomp = firstBreak < 0 ? '-' : textEnd === 0 || firstBreak !== end.length - 1 ? '+' : '';
  if (end.endsWith('\n')) end = end.slice(0, -1);
  // Kept line breaks followed by spaces: the spaces are content, so the indentation comes first.
  end = end.replace(/\n+(?=[^\n])/g, `$&${indent}`);
  // Blank lines first are kept as they are; a space among them calls for the indicator.
  let spaceFirst = false;
  let lastLeadingBreak = -1;
  for (let i = 0; i < body.length && (body[i] === ' ' || body[i] === '\n'); i++) {
    if (body[i] === ' ') spaceFirst = true;
    else lastLeadingBreak = i;
  }
  let start = body.slice(0, lastLeadingBreak + 1);
  body = body.slice(start.length);
  start = start.replace(/\n+/g, `$&${indent}`);
  return `|${spaceFirst ? '2' : ''}${chomp}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}

let writing = false;

/**
 * Runs `synthesis` with cdk8s's `Yaml.stringify` (which `App.synth()` and `synthYaml()` write
 * with) replaced by this writer, and puts cdk8s's own back when it returns or throws. Used only
 * around an app's own synthesis; a call inside another leaves the outer one's in place.
 */
export function withYamlWriter<T>(synthesis: () => T): T {
  const own = Object.getOwnPropertyDescriptor(Yaml, 'stringify');
  const original = Yaml.stringify as Stringify;
  if (writing || !own || typeof original !== 'function') return synthesis();
  Object.defineProperty(Yaml, 'stringify', { ...own, value: (...docs: unknown[]) => stringifyYaml(original, docs) });
  writing = true;
  try {
    return synthesis();
  } finally {
    writing = false;
    Object.defineProperty(Yaml, 'stringify', own);
  }
}
