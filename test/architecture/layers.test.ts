import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folders of lib/, lowest first: a file may import its own folder and the folders before it,
 * never one after it (docs/architecture.md draws the same stack).
 */
export const LAYERS = [
  'core',
  'azure',
  'storage',
  'postgres',
  'workloads',
  'backup',
  'ark',
  'policies',
  'pulumi',
] as const;

const LIB = path.resolve(__dirname, '../../lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to the files they name (type-only imports count: they couple too). */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((spec) => {
    const base = path.resolve(path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    throw new Error(`${path.relative(LIB, file)} imports ${spec}, which names no file`);
  });
}

/** Layer index of a file, or `undefined` for lib/index.ts (the public API, above every layer). */
function layerOf(file: string): number | undefined {
  const rel = path.relative(LIB, file);
  if (!rel.includes(path.sep)) return undefined;
  const index = LAYERS.indexOf(rel.split(path.sep)[0] as (typeof LAYERS)[number]);
  if (index < 0) throw new Error(`${rel} is in a folder that is not a layer: ${LAYERS.join(', ')}`);
  return index;
}

/** Upward imports in a graph of files: `a imports b` where b's layer is above a's. */
export function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = layerOf(target);
      if (to === undefined || to > from)
        found.push(`${path.relative(LIB, file)} imports ${path.relative(LIB, target)}`);
    }
  }
  return found;
}

/** Every import cycle between files, each as the files on it (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(LIB, member));
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

function libGraph(): Map<string, string[]> {
  return new Map(sourceFiles(LIB).map((file) => [file, relativeImports(file)]));
}

describe('lib/ is a stack of layers', () => {
  const graph = libGraph();

  it('has exactly the layer folders', () => {
    const folders = fs
      .readdirSync(LIB, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual([...LAYERS].sort());
  });

  it('no file imports a folder above its own', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('the checks see what they are meant to see', () => {
    const core = path.join(LIB, 'core/errors.ts');
    const ark = path.join(LIB, 'ark/installation.ts');
    const bsl = path.join(LIB, 'ark/backup-storage-location.ts');
    expect(upwardImports(new Map([[core, [ark]]]))).toEqual(['core/errors.ts imports ark/installation.ts']);
    expect(upwardImports(new Map([[ark, [core]]]))).toEqual([]);
    expect(
      importCycles(
        new Map([
          [ark, [bsl]],
          [bsl, [ark]],
        ]),
      ),
    ).toEqual([['ark/backup-storage-location.ts', 'ark/installation.ts']]);
    // The real graph has edges: an empty graph would pass the two checks above.
    expect(graph.get(ark)!.length).toBeGreaterThan(3);
  });
});
