/**
 * Manifest validation for tests: every synthesized object is checked against
 * its schema (kubernetes-models for core kinds, the reference CRDs for custom
 * resources), for unknown fields, for stray nulls, and against what the API server
 * refuses beyond the schema (`api-server-rules.ts`: names, ports, mounts, keys, sizes). Problems read
 * `StatefulSet/web: unknown field spec.template.spec.containers[0].volumeMount`.
 */
import { Testing, type Chart } from 'cdk8s';
import type { ErrorObject } from 'ajv';
import { REFERENCE_DIR, crdLookup, crdRuleProblems, crdSchemaErrors, crdShape } from './crd-schemas';
import { coreLookup, coreSchemaErrors, coreShape, objectMetaErrors, prepareCoreShapes } from './k8s-core-schemas';
import { apiServerProblems } from './api-server-rules';
import { ajvProblems, type FieldProblem } from './problem-format';
import { UNKNOWN_FIELD, unknownFieldProblems, type Shape } from './unknown-fields';

// Manifests are arbitrary JSON, and tests index into them freely: the public API uses `any` on purpose.

/** Synthesizes the chart, validates every object, throws one Error listing all problems; returns the objects. */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects);
  return objects;
}

/** Validates plain manifest objects (same rules); throws on problems. */
export function assertValidManifests(objects: any[]): void {
  const problems = manifestProblems(objects);
  if (problems.length > 0) {
    throw new Error(`${problems.length} manifest problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** Returns the list of problems (strings) instead of throwing. */
export function manifestProblems(objects: any[]): string[] {
  const schemas = objects.map((object) => schemaFor(object));
  // One TypeScript program for all core kinds of the batch, instead of a rebuild per new kind.
  prepareCoreShapes(schemas.flatMap((s) => (s && 'modulePath' in s && s.modulePath ? [s.modulePath] : [])));
  return objects.flatMap((object, i) => objectProblems(object, i, schemas[i]));
}

interface Schema {
  readonly modulePath?: string;
  readonly shape: () => Shape;
  readonly errors: (object: Record<string, unknown>) => ErrorObject[];
  /** Problems the JSON schema cannot express (CRD CEL rules). */
  readonly rules: (object: Record<string, unknown>) => FieldProblem[];
  /** Problems with the kind itself (a CRD version that is not served). */
  readonly kindProblems: readonly string[];
}

/** A schema for the object's apiVersion/kind, or the reason there is none. */
function schemaFor(object: unknown): Schema | { readonly missing: string } | undefined {
  if (!isRecord(object) || typeof object['apiVersion'] !== 'string' || typeof object['kind'] !== 'string')
    return undefined;
  const { apiVersion, kind } = object as { apiVersion: string; kind: string };
  const core = coreLookup(apiVersion, kind);
  if (core?.found) {
    const { model, modulePath } = core;
    return {
      modulePath,
      shape: () => coreShape(modulePath),
      errors: (o) => coreSchemaErrors(model, o),
      rules: () => [],
      kindProblems: [],
    };
  }
  if (core) return { missing: `no schema for ${apiVersion} ${kind}: ${core.reason}` };
  const crd = crdLookup(apiVersion, kind);
  if (!crd) {
    return { missing: `no schema for ${apiVersion} ${kind} (not in kubernetes-models, no CRD in ${REFERENCE_DIR})` };
  }
  return {
    shape: () => crdShape(crd),
    errors: (o) => [...crdSchemaErrors(crd, o), ...objectMetaErrors(o['metadata'])],
    rules: (o) => crdRuleProblems(crd, o),
    kindProblems: crd.served
      ? []
      : [`${apiVersion} ${kind} is not served (served: false in CRD ${crd.crdName}, ${crd.file})`],
  };
}

function objectProblems(object: unknown, position: number, schema: ReturnType<typeof schemaFor>): string[] {
  const record = isRecord(object) ? object : {};
  const metadata = isRecord(record['metadata']) ? record['metadata'] : {};
  const id = `${String(record['kind'] ?? '?')}/${String(metadata['name'] ?? `#${position}`)}`;
  if (!schema) return [`${id}: not a Kubernetes object (needs string apiVersion and kind)`];
  if ('missing' in schema) return [`${id}: ${schema.missing}`];

  const walked = unknownFieldProblems(record, schema.shape());
  // A null also fails the type check; report it once, as a null.
  const nullPaths = new Set(walked.filter((p) => p.message !== UNKNOWN_FIELD).map((p) => p.path));
  const typed = ajvProblems(schema.errors(record), record).filter((p) => !nullPaths.has(p.path));
  const problems = [...typed, ...schema.rules(record), ...walked, ...apiServerProblems(record)];
  return [...schema.kindProblems.map((p) => `${id}: ${p}`), ...problems.map((p) => format(id, p))];
}

function format(id: string, { path, message }: FieldProblem): string {
  if (message === UNKNOWN_FIELD) return `${id}: unknown field ${path}`;
  return path ? `${id}: ${path}: ${message}` : `${id}: ${message}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
