/**
 * Core Kubernetes kinds, from kubernetes-models 4.5.1 (Kubernetes 1.33):
 * - the precompiled ajv validator of the kind's model class (types, enums, required);
 * - a `Shape` for the unknown-field walk, read from the package's `.d.ts`
 *   interfaces with the TypeScript compiler, since the package ships no JSON schemas.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import ts from 'typescript';
import { ANYTHING, SCALAR, arrayShape, objectShape, type Shape } from './unknown-fields';

/** A kubernetes-models class such as `StatefulSet` (static apiVersion/kind, validate() throws). */
interface ModelClass {
  new (data: object): { validate(): void };
  readonly apiVersion: string;
  readonly kind: string;
}

export type CoreLookup =
  | { readonly found: true; readonly model: ModelClass; readonly modulePath: string }
  | { readonly found: false; readonly reason: string };

/**
 * kubernetes-models keeps group versions that Kubernetes has removed, so that
 * old clusters can be addressed; none of them exists in 1.33. Every alpha/beta
 * kind kubernetes-models 4.5.1 ships is one of these (checked by listing the
 * package). Values: the Kubernetes release that removed it, for the message.
 */
const REMOVED_IN: Readonly<Record<string, string>> = {
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'authentication.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'batch/v1beta1': '1.25',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'extensions/v1beta1': '1.16 (Ingress: 1.22)',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
  'networking.k8s.io/v1beta1': '1.22',
  'node.k8s.io/v1beta1': '1.25',
  'policy/v1beta1': '1.25',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1': '1.22 (CSIStorageCapacity: 1.27)',
};

/** `apps/v1` + `StatefulSet` → `apps/v1/StatefulSet`; the core group has no directory (`v1/Pod`). */
function modulePathOf(apiVersion: string, kind: string): string | undefined {
  const m = /^(?:([a-z0-9.-]+)\/)?(v\d+(?:(?:alpha|beta)\d+)?)$/.exec(apiVersion);
  if (!m || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  return [m[1], m[2], kind].filter(Boolean).join('/');
}

const localRequire = createRequire(__filename);
const lookups = new Map<string, CoreLookup | undefined>();

/**
 * The model class for apiVersion/kind, a reason why the kind must not be used,
 * or undefined when kubernetes-models does not know it (then CRDs are asked).
 */
export function coreLookup(apiVersion: string, kind: string): CoreLookup | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!lookups.has(key)) lookups.set(key, findModel(apiVersion, kind));
  return lookups.get(key);
}

function findModel(apiVersion: string, kind: string): CoreLookup | undefined {
  const modulePath = modulePathOf(apiVersion, kind);
  if (!modulePath) return undefined;
  let exported: unknown;
  try {
    exported = (localRequire(`kubernetes-models/${modulePath}`) as Record<string, unknown>)[kind];
  } catch (error) {
    // Unknown group: not in the package's exports map; known group, unknown kind: no file.
    // (A module failing to load for another reason would show up as "no schema", which still fails.)
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
  // Modules such as v1/PodSpec export a model without apiVersion/kind: not a kind.
  const model = exported as ModelClass | undefined;
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) return undefined;
  const removedIn = REMOVED_IN[apiVersion];
  if (removedIn || /(alpha|beta)\d+$/.test(apiVersion)) {
    return {
      found: false,
      reason: `${apiVersion} was removed from Kubernetes in ${removedIn ?? 'an earlier release'}`,
    };
  }
  return { found: true, model, modulePath };
}

/** Runs the kind's precompiled validator; returns its ajv errors (empty when valid). */
export function coreSchemaErrors(model: ModelClass, object: object): ErrorObject[] {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw error;
    return errors;
  }
}

/** The package folder; kubernetes-models' own dependencies are resolved from there. */
const MODELS_DIR = path.dirname(localRequire.resolve('kubernetes-models/package.json'));
const OBJECT_META = '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

let objectMeta: ModelClass | undefined;

/** Validates the metadata of a custom resource (its CRD only says `type: object`); paths start at the object. */
export function objectMetaErrors(metadata: unknown): ErrorObject[] {
  // Not an object: the CRD schema's `metadata: {type: object}` already reports it.
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return [];
  objectMeta ??= (createRequire(path.join(MODELS_DIR, 'package.json'))(OBJECT_META) as { ObjectMeta: ModelClass })
    .ObjectMeta;
  return coreSchemaErrors(objectMeta, metadata).map((e) => ({ ...e, instancePath: `/metadata${e.instancePath}` }));
}

// ---------------------------------------------------------------------------
// Shapes from the .d.ts interfaces

/** The virtual root file lives in the package folder so that `./v1/Pod` and `@kubernetes-models/...` resolve. */
const ROOT_FILE = path.join(MODELS_DIR, '__validate_manifests_roots__.ts');

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es5.d.ts'], // Array<T> must exist, or every `T[]` turns into `any`
  types: [],
  strict: true, // keeps `| undefined` / `| null` visible in property types
  noEmit: true,
  skipLibCheck: true,
};

interface TypeProgram {
  readonly modules: ReadonlySet<string>;
  readonly program: ts.Program;
  readonly roots: ts.Type;
}

let current: TypeProgram | undefined;
/** Parsed .d.ts files, shared by every program this process builds. */
const parsed = new Map<string, ts.SourceFile>();
const host = ts.createCompilerHost(OPTIONS);
const readFile = host.readFile.bind(host);
const fileExists = host.fileExists.bind(host);
let rootText = '';
host.readFile = (file) => (file === ROOT_FILE ? rootText : readFile(file));
host.fileExists = (file) => file === ROOT_FILE || fileExists(file);
host.getSourceFile = (file, languageVersion) => {
  if (file === ROOT_FILE) return ts.createSourceFile(file, rootText, languageVersion);
  let sourceFile = parsed.get(file);
  if (!sourceFile) {
    const text = readFile(file);
    if (text === undefined) return undefined;
    sourceFile = ts.createSourceFile(file, text, languageVersion);
    parsed.set(file, sourceFile);
  }
  return sourceFile;
};

/** Timing of the type programs built so far (for the report, and to keep an eye on it). */
export const typeProgramStats = { builds: 0, totalMs: 0 };

/**
 * One program whose virtual root imports the interface of every kind asked
 * for so far (`interface Roots { "apps/v1/StatefulSet": IStatefulSet; ... }`).
 * A new kind rebuilds it, reusing the parsed files of the previous one.
 */
function typeProgram(modulePaths: Iterable<string>): TypeProgram {
  const wanted = new Set(current?.modules ?? []);
  for (const modulePath of modulePaths) wanted.add(modulePath);
  if (current && wanted.size === current.modules.size) return current;
  const started = performance.now();
  const modules = [...wanted].sort();
  rootText = [
    `import type { IObjectMeta } from '${OBJECT_META}';`,
    ...modules.map((m, i) => `import type { I${path.basename(m)} as T${i} } from './${m}';`),
    'export interface Roots {',
    '  "ObjectMeta": IObjectMeta;',
    ...modules.map((m, i) => `  ${JSON.stringify(m)}: T${i};`),
    '}',
  ].join('\n');
  const program = ts.createProgram([ROOT_FILE], OPTIONS, host, current?.program);
  const rootFile = program.getSourceFile(ROOT_FILE)!;
  const declaration = rootFile.statements.find(ts.isInterfaceDeclaration)!;
  const roots = program.getTypeChecker().getTypeAtLocation(declaration.name);
  current = { modules: new Set(modules), program, roots };
  typeProgramStats.builds += 1;
  typeProgramStats.totalMs += performance.now() - started;
  return current;
}

/** Builds the type program for all these kinds at once (one build instead of one per new kind). */
export function prepareCoreShapes(modulePaths: Iterable<string>): void {
  typeProgram(modulePaths);
}

/** The unknown-field shape of a core kind, e.g. `coreShape('apps/v1/StatefulSet')`. */
export function coreShape(modulePath: string): Shape {
  return rootShape(typeProgram([modulePath]), modulePath);
}

/** ObjectMeta, for the `metadata` of custom resources (their CRD schemas just say `type: object`). */
export function objectMetaShape(): Shape {
  return rootShape(typeProgram([]), 'ObjectMeta');
}

/** Shapes per type object; a rebuilt program has new type objects, so a WeakMap ages out cleanly. */
const shapes = new WeakMap<ts.Type, Shape>();

function rootShape(tp: TypeProgram, name: string): Shape {
  const checker = tp.program.getTypeChecker();
  const symbol = checker.getPropertyOfType(tp.roots, name);
  const type = symbol && checker.getTypeOfSymbol(symbol);
  // An unresolved import would come back as `any` and silently accept every field.
  if (!type || type.flags & ts.TypeFlags.Any) {
    const diagnostics = ts.formatDiagnostics(
      ts.getPreEmitDiagnostics(tp.program, tp.program.getSourceFile(ROOT_FILE)),
      host,
    );
    throw new Error(`validate-manifests: cannot load the type of ${name} from kubernetes-models:\n${diagnostics}`);
  }
  return shapeOf(checker, type);
}

const SCALAR_FLAGS =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.EnumLike;

function shapeOf(checker: ts.TypeChecker, declared: ts.Type): Shape {
  let shape = shapes.get(declared);
  if (shape) return shape;
  // kubernetes-models never declares null, but honour it if a type does.
  const nullable = declared.isUnion() && declared.types.some((t) => t.flags & ts.TypeFlags.Null);
  const type = checker.getNonNullableType(declared);
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    shape = arrayShape(nullable, () => shapeOf(checker, element!));
  } else if (type.flags & SCALAR_FLAGS) {
    shape = nullable ? { nullable } : SCALAR;
  } else if (type.isUnion()) {
    // `string | number` (IntOrString, Quantity), `boolean`, string-literal enums.
    shape = type.types.every((t) => t.flags & SCALAR_FLAGS) ? (nullable ? { nullable } : SCALAR) : ANYTHING;
  } else if (type.flags & ts.TypeFlags.Object) {
    const properties = checker.getPropertiesOfType(type);
    const index = type.getStringIndexType();
    // Empty interfaces are the free-form JSON types: RawExtension, FieldsV1, apiextensions JSON.
    shape =
      properties.length === 0 && !index
        ? ANYTHING
        : objectShape(nullable, (key) => {
            const property = checker.getPropertyOfType(type, key);
            if (property) return shapeOf(checker, checker.getTypeOfSymbol(property));
            return index ? shapeOf(checker, index) : undefined; // index signature: labels, resources.requests
          });
  } else {
    shape = ANYTHING; // any/unknown
  }
  shapes.set(declared, shape);
  return shape;
}
