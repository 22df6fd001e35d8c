/**
 * Custom resources, validated against the upstream CRDs kept as reference data
 * in `../shared/reference/` beside the repository (not copied into the project).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { compileCel } from './crd-cel';
import { objectMetaShape } from './k8s-core-schemas';
import { childPath, type FieldProblem } from './problem-format';
import { ANYTHING, SCALAR, arrayShape, objectShape, type Shape } from './unknown-fields';

/** The subset of an OpenAPI v3 schema (structural, as Kubernetes requires) used here. */
interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: boolean | OpenApiSchema;
  items?: OpenApiSchema;
  nullable?: boolean;
  anyOf?: OpenApiSchema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
  [keyword: string]: unknown;
}

export interface CrdVersion {
  readonly crdName: string;
  readonly file: string;
  readonly served: boolean;
  readonly schema: OpenApiSchema;
}

/** The folder that holds package.json, found from this file so any working directory works. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`validate-manifests: no package.json above ${__dirname}`);
  }
}

export const REFERENCE_DIR = path.resolve(repoRoot(), '..', 'shared', 'reference');

let index: Map<string, CrdVersion> | undefined;

/** Every CRD under the reference folder, by `group/version/Kind` (= `apiVersion/Kind`). */
function crdIndex(): Map<string, CrdVersion> {
  if (index) return index;
  if (!fs.existsSync(REFERENCE_DIR)) {
    throw new Error(
      `validate-manifests: CRD reference folder ${REFERENCE_DIR} is missing (expected shared/ beside the checkout)`,
    );
  }
  index = new Map();
  for (const folder of fs.readdirSync(REFERENCE_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(REFERENCE_DIR, folder.name)).filter((n) => /\.ya?ml$/.test(n))) {
      const file = path.join(REFERENCE_DIR, folder.name, name);
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const crd = doc.toJS() as CustomResourceDefinition | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          index.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, {
            crdName: crd.metadata.name,
            file: path.relative(REFERENCE_DIR, file),
            served: version.served,
            schema: version.schema?.openAPIV3Schema ?? { 'x-kubernetes-preserve-unknown-fields': true },
          });
        }
      }
    }
  }
  return index;
}

interface CustomResourceDefinition {
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: OpenApiSchema } }[];
  };
}

export function crdLookup(apiVersion: string, kind: string): CrdVersion | undefined {
  return crdIndex().get(`${apiVersion}/${kind}`);
}

// ---------------------------------------------------------------------------
// Schema validation

// allErrors: report every problem at once. strict: false ignores x-kubernetes-* keywords.
// Formats (date-time, int64, byte) are not checked: the API server is lenient there too.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators = new WeakMap<CrdVersion, ValidateFunction>();

export function crdSchemaErrors(crd: CrdVersion, object: object): ErrorObject[] {
  let validate = validators.get(crd);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(crd.schema));
    validators.set(crd, validate);
  }
  return validate(object) ? [] : [...(validate.errors ?? [])];
}

/**
 * Kubernetes extensions ajv does not know, rewritten as plain JSON Schema:
 * int-or-string means integer or string whatever `type` says; ajv's own
 * `nullable` support needs a `type` beside it.
 */
function toJsonSchema(schema: OpenApiSchema): OpenApiSchema {
  const out: OpenApiSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'properties') {
      out.properties = Object.fromEntries(Object.entries(schema.properties!).map(([k, s]) => [k, toJsonSchema(s)]));
    } else if ((keyword === 'items' || keyword === 'additionalProperties') && typeof value === 'object') {
      out[keyword] = toJsonSchema(value as OpenApiSchema);
    } else if (['anyOf', 'oneOf', 'allOf'].includes(keyword)) {
      out[keyword] = (value as OpenApiSchema[]).map(toJsonSchema);
    } else if (keyword === 'not') {
      out.not = toJsonSchema(value as OpenApiSchema);
    } else {
      out[keyword] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.nullable && !out.type) delete out.nullable;
  return out;
}

/** Rules ajv cannot see: the CRD's CEL `x-kubernetes-validations` (the subset crd-cel.ts knows). */
export function crdRuleProblems(crd: CrdVersion, object: object): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const walk = (schema: OpenApiSchema, value: unknown, at: string): void => {
    if (value === null || value === undefined) return;
    for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
      const evaluate = celRule(rule);
      if (evaluate && !evaluate(value)) problems.push({ path: at, message: message ?? `must satisfy ${rule}` });
    }
    if (Array.isArray(value)) {
      if (schema.items) value.forEach((element, i) => walk(schema.items!, element, childPath(at, i)));
    } else if (typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const sub =
          schema.properties?.[key] ??
          (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (sub) walk(sub, child, childPath(at, key));
      }
    }
  };
  walk(crd.schema, object, '');
  return problems;
}

const celRules = new Map<string, ReturnType<typeof compileCel>>();
function celRule(rule: string): ReturnType<typeof compileCel> {
  if (!celRules.has(rule)) celRules.set(rule, compileCel(rule));
  return celRules.get(rule);
}

// ---------------------------------------------------------------------------
// Unknown-field shape

const shapes = new WeakMap<CrdVersion, Shape>();

/** The walk shape of a custom resource; `metadata` is ObjectMeta (the CRD only says `type: object`). */
export function crdShape(crd: CrdVersion): Shape {
  let shape = shapes.get(crd);
  if (!shape) {
    shape = schemaShape(crd.schema, true);
    shapes.set(crd, shape);
  }
  return shape;
}

function schemaShape(schema: OpenApiSchema, resourceRoot = false): Shape {
  const nullable = schema.nullable === true;
  if (schema['x-kubernetes-int-or-string']) return nullable ? { nullable } : SCALAR;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema.type === 'array') {
    return arrayShape(nullable, () => (schema.items ? schemaShape(schema.items) : ANYTHING));
  }
  const properties = schema.properties;
  const additional = schema.additionalProperties;
  const isObject = schema.type === 'object' || properties !== undefined || additional !== undefined;
  if (!isObject) {
    // Scalars; a schema without type is only legal with preserve-unknown-fields.
    if (schema.type) return nullable ? { nullable } : SCALAR;
    return ANYTHING;
  }
  // An embedded resource (or the custom resource itself) has apiVersion/kind/metadata
  // even when its schema does not list them.
  const embedded = resourceRoot || schema['x-kubernetes-embedded-resource'] === true;
  return objectShape(nullable, (key) => {
    if (embedded && key === 'metadata') return objectMetaShape();
    const declared = properties?.[key];
    if (declared) return schemaShape(declared);
    if (embedded && (key === 'apiVersion' || key === 'kind')) return SCALAR;
    if (typeof additional === 'object') return schemaShape(additional);
    if (additional === true || preserve) return ANYTHING;
    return undefined; // the API server would prune it
  });
}
