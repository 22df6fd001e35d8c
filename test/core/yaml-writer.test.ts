import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing, Yaml } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stringifyYaml, withYamlWriter } from '../../lib/core/yaml-writer';
import { withinSynthesis } from '../../lib/core/synthesis-session';
import { buildExampleApp } from '../../examples';
import { buildFleet } from '../../scripts/bench/fleet';

const cdk8sStringify = Yaml.stringify.bind(Yaml) as (...docs: unknown[]) => string;

/** The writer's output for `docs`, and how many documents it handed to cdk8s's own serializer. */
function write(docs: unknown[]): { text: string; handedOver: number } {
  const fallback = vi.fn((...d: unknown[]) => cdk8sStringify(...d));
  return { text: stringifyYaml(fallback, docs), handedOver: fallback.mock.calls.length };
}

function objectsOf(app: App): unknown[] {
  return withinSynthesis(app, () => app.charts.flatMap((chart) => chart.toJson()));
}

// Strings chosen to hit yaml's quoting rules: indicators, `: `, ` #`, YAML 1.1 typed scalars,
// document markers, quotes, escapes, line breaks at either end, tabs, non-ASCII, control characters.
const WORDS = [
  '',
  ' ',
  'a',
  'app',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'null',
  'Null',
  '~',
  'true',
  'False',
  '1',
  '-1',
  '+1',
  '0777',
  '0o17',
  '0x1F',
  '0b101',
  '1_000',
  '1.5',
  '.5',
  '1e3',
  '.inf',
  '-.Inf',
  '.nan',
  '12:30',
  '1:20:30.5',
  '2026-12-03',
  '2026-12-03T10:00:00Z',
  '<<',
  '---',
  '...',
  '%YAML',
  '-',
  '?',
  '- a',
  '? a',
  'a: b',
  'a:b',
  'a:',
  'a #b',
  'a#b',
  '#a',
  '&a',
  '*a',
  '!a',
  '|',
  '>',
  "'a'",
  '"a"',
  "it's",
  'say "hi"',
  'both \' and "',
  'back\\slash',
  '@a',
  '`a`',
  '[a]',
  '{a}',
  'a,b',
  ',',
  'a ',
  ' a',
  '\ta',
  'a\t',
  'a\tb',
  'é',
  '日本',
  '\u2028',
  '\u00a0',
  '\u0007',
  '\u0085',
  '\ud800',
  '😀',
  'a\nb',
  'a\n',
  'a\n\n',
  '\na',
  ' a\nb',
  'a\nb ',
  'a\n b',
  'a \nb',
  'a\n\tb',
  'a\n\nb',
  'a\n\n\nb\n',
  '#!/bin/bash\nset -e\n',
  'a\n---\nb',
  'a\n...\n',
  'a\n%x',
  'a\n#b',
  '- a\n- b',
  'a: b\nc: d\n',
  'a\n  ',
  'a\n\t',
  '\n',
  '\n\n',
  ' \n',
  'x'.repeat(1100),
  'y'.repeat(1025),
];

const scalar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 3,
    arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\n', ':', '#', '-', '"', "'", '\t', '0', '.', '|') }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e21, 2 ** 53, 0.1, Infinity, NaN)),
  },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, undefined) },
);
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('name', 'metadata', 'app.kubernetes.io/name') },
  fc.constantFrom(...WORDS),
);
const { tree } = fc.letrec<{ tree: unknown }>((self) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(self('tree'), { maxLength: 4 }),
    fc.dictionary(key, self('tree'), { maxKeys: 5 }),
  ),
}));
const document = fc.oneof(fc.dictionary(key, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 4 }));

describe('the YAML writer', () => {
  it('writes every example object as cdk8s does, without handing any to cdk8s', () => {
    const objects = objectsOf(buildExampleApp(Testing.app()));
    expect(objects.length).toBeGreaterThan(90);
    const { text, handedOver } = write(objects);
    expect(text).toBe(cdk8sStringify(...objects));
    expect(handedOver).toBe(0);
  });

  it('writes the fleet benchmark app as cdk8s does, without handing any object to cdk8s', () => {
    const objects = objectsOf(buildFleet(Testing.app(), 3));
    const { text, handedOver } = write(objects);
    expect(text).toBe(cdk8sStringify(...objects));
    expect(handedOver).toBe(0);
  });

  it('writes random documents byte for byte as cdk8s does', () => {
    let written = 0;
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 3 }), (docs) => {
        const { text, handedOver } = write(docs);
        expect(text).toBe(cdk8sStringify(...docs));
        written += docs.length - handedOver;
      }),
      { numRuns: 3000 },
    );
    // The property is about the writer's own output: most documents must not be handed over.
    expect(written).toBeGreaterThan(1000);
  });

  it('writes each tricky string as cdk8s does, as a value, a key and a list item', () => {
    for (const word of WORDS) {
      for (const doc of [{ value: word }, { [word]: 'v' }, { list: [word, { inner: word }] }, [[word]]]) {
        expect(write([doc]).text, JSON.stringify(doc)).toBe(cdk8sStringify(doc));
      }
    }
  });

  it('hands over what yaml writes in ways it does not mirror: aliases, undefined, instances, toJSON, iterators', () => {
    const shared = { a: 1 };
    const holey = [1, 2, 3];
    delete holey[1];
    const withToJson = { a: 1 };
    Object.defineProperty(withToJson, 'toJSON', { value: () => ({ b: 2 }), enumerable: false });
    class Listed extends Array<number> {
      toJSON() {
        return 'listed';
      }
    }
    const iterating = [1, 2];
    Object.defineProperty(iterating, Symbol.iterator, {
      *value() {
        yield 9;
      },
    });
    for (const doc of [
      { x: shared, y: shared },
      { a: undefined },
      { when: new Date(0) },
      { m: new Map([['a', 1]]) },
      'top-level text',
      holey,
      { o: withToJson },
      withToJson,
      { list: Listed.of(1, 2) },
      { a: iterating },
      {
        o: {
          a: 1,
          *[Symbol.iterator]() {
            yield 'z';
          },
        },
      },
      { zero: -0 },
    ]) {
      const { text, handedOver } = write([doc]);
      expect(handedOver, String(doc)).toBe(1);
      expect(text).toBe(cdk8sStringify(doc));
    }
    expect(write([undefined, { a: 1 }]).text).toBe(cdk8sStringify(undefined, { a: 1 }));
  });

  it('writes itself what Kubernetes objects hold: maps of nulls, embedded files with blank lines or indentation', () => {
    const docs = [
      { metadata: { creationTimestamp: null }, data: { a: null, b: null } },
      {
        data: {
          'script.sh': 'echo hi\n\n',
          'values.yaml': '  indented: 1\n',
          'notes.txt': '\nstarts blank\n',
          'keep.txt': 'x\n \n',
        },
      },
      { data: { blank: '\n', blanks: '\n\n', spaced: ' \n', end: 'a\n\n\n', deep: 'a\n\n \n' } },
    ];
    const { text, handedOver } = write(docs);
    expect(text).toBe(cdk8sStringify(...docs));
    expect(handedOver).toBe(0);
  });

  it('writes every short string over the characters of the quoting rules as cdk8s does, wherever it stands', () => {
    const alphabet = ['a', ' ', '\n', '\t', ':', '#', '-', "'", '"', '|', '0', '.'];
    let strings = [''];
    const all = [''];
    for (let length = 1; length <= 3; length++) {
      strings = strings.flatMap((prefix) => alphabet.map((c) => prefix + c));
      all.push(...strings);
    }
    let written = 0;
    for (const word of all) {
      for (const doc of [{ value: word }, { [word]: 'v' }, [word], { nested: { list: [{ [word]: word }] } }]) {
        const { text, handedOver } = write([doc]);
        expect(text, JSON.stringify(doc)).toBe(cdk8sStringify(doc));
        written += 1 - handedOver;
      }
    }
    // The writer's own output, not the fallback's, is what this compares: most go through it.
    expect(written).toBeGreaterThan(all.length * 3);
  });

  it('judges a string again where it is a key: a document marker is plain as a value, quoted as a key', () => {
    const docs = [{ value: '---', list: ['...', '%x'] }, { '---': 'v', '...': 'v' }, { '%x': 'v' }];
    const { text, handedOver } = write(docs);
    expect(text).toBe(cdk8sStringify(...docs));
    expect(handedOver).toBe(2);
  });

  it("is cdk8s's Yaml.stringify only during an app's synthesis, and cdk8s's own again after", () => {
    const before = Yaml.stringify;
    let during: unknown;
    withYamlWriter(() => {
      during = Yaml.stringify;
      withYamlWriter(() => expect(Yaml.stringify).toBe(during));
      expect(Yaml.stringify).toBe(during);
    });
    expect(during).not.toBe(before);
    expect(Yaml.stringify).toBe(before);
    expect(() =>
      withYamlWriter(() => {
        throw new Error('synthesis failed');
      }),
    ).toThrow('synthesis failed');
    expect(Yaml.stringify).toBe(before);
  });

  it('makes app.synth() write the files that cdk8s writes by itself', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-writer-'));
    try {
      const written = (outdir: string) =>
        Object.fromEntries(
          fs.readdirSync(outdir).map((file) => [file, fs.readFileSync(path.join(outdir, file), 'utf8')]),
        );
      const stringify = vi.spyOn(Yaml, 'stringify');
      // cdk8s's own synth, past the app's wrapper: cdk8s's serializer writes every file.
      const plain = buildExampleApp(new App({ outdir: path.join(root, 'cdk8s') }));
      App.prototype.synth.call(plain);
      expect(stringify).toHaveBeenCalled();
      stringify.mockClear();
      const app = buildExampleApp(new App({ outdir: path.join(root, 'library') }));
      app.synth();
      // The writer stood in for the spied function during the synthesis: the spy saw no call.
      expect(stringify).not.toHaveBeenCalled();
      stringify.mockRestore();
      const expected = written(path.join(root, 'cdk8s'));
      expect(Object.keys(expected).length).toBeGreaterThan(10);
      expect(written(path.join(root, 'library'))).toEqual(expected);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
