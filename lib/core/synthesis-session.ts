import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { ConstructOrder, IConstruct, Node } from 'constructs';
import { withYamlWriter } from './yaml-writer';

/**
 * One synthesis of an app, as a unit of work. cdk8s 2.70 prepares the whole app again inside
 * every chart's synthesis (`Chart.toJson()` calls `App._synthChart`, which resolves the
 * dependencies of every construct of the app and runs every validation of the app), so an
 * app-wide check registered as a validation would run — and serialize every object — once per
 * chart, and the walks themselves cost charts × constructs: quadratic in the number of charts.
 * Within a session, the app is prepared (validated, its dependencies resolved) once, an app-wide
 * result is computed once and each ApiObject is serialized once; outside one (a single
 * `Chart.toJson()`), everything is computed afresh. A session lasts exactly as long as the call
 * it wraps, so a tree changed between two `synth()` calls is always seen as it is.
 */
interface Session {
  depth: number;
  readonly results: Map<string, unknown>;
  readonly memoized: ApiObject[];
  readonly charts: Chart[];
  /**
   * The whole app has been validated and its dependencies resolved in this session: by a chart's
   * own `toJson()`, or by the `App.synth()`/`synthYaml()` running it, which do both before they
   * synthesize any chart.
   */
  prepared: boolean;
}

/** The default-order `findAll` of constructs' Node, for the app root's walk. */
type FindAll = (order?: ConstructOrder) => IConstruct[];

const SESSIONS = new WeakMap<IConstruct, Session>();
const WRAPPED = Symbol.for('aks-stateful.synthesis-session.wrapped');

/** Runs `synthesis` as one session of `root`'s app (sessions nest: the outermost one counts). */
export function withinSynthesis<T>(root: IConstruct, synthesis: () => T): T {
  const app = root.node.root;
  let session = SESSIONS.get(app);
  if (!session) {
    session = { depth: 0, results: new Map(), memoized: [], charts: [], prepared: false };
    SESSIONS.set(app, session);
    // cdk8s walks the whole app once more for every chart (validation, dependency resolution); the
    // tree does not change during a synthesis, so the root's walk is done once and handed out as copies.
    const walk = app.node.findAll();
    const findAll: FindAll = (order) =>
      order === undefined || order === ConstructOrder.PREORDER
        ? walk.slice()
        : Node.prototype.findAll.call(app.node, order);
    Object.defineProperty(app.node, 'findAll', { value: findAll, configurable: true, writable: true });
    // Objects do not change during a synthesis: serialize each once, whoever asks.
    for (const node of walk) {
      if (node instanceof ApiObject && !Object.prototype.hasOwnProperty.call(node, 'toJson')) {
        // The object's own class method (generated Kube* classes override toJson).
        const serialize = node.toJson;
        let json: any;
        node.toJson = () => (json ??= serialize.call(node));
        session.memoized.push(node);
      } else if (node instanceof Chart) {
        prepareOnce(node, session);
      }
    }
  }
  session.depth++;
  try {
    return synthesis();
  } finally {
    if (--session.depth === 0) {
      for (const node of session.memoized) delete (node as { toJson?: unknown }).toJson;
      for (const chart of session.charts) delete (chart as { toJson?: unknown }).toJson;
      delete (app.node as { findAll?: unknown }).findAll;
      SESSIONS.delete(app);
    }
  }
}

/**
 * Makes `chart.toJson()` prepare the whole app only if nothing in this session has: the first
 * chart runs cdk8s's own `Chart.toJson()` (dependencies, validation, then its objects); the
 * following ones only order and serialize their own objects, exactly as cdk8s's `chartToKube`
 * does after that preparation. The validations and dependencies would not change: the tree does
 * not change during a synthesis, and adding a dependency twice is a no-op. A chart class that
 * overrides `toJson` keeps its own.
 */
function prepareOnce(chart: Chart, session: Session): void {
  if (Object.prototype.hasOwnProperty.call(chart, 'toJson') || chart.toJson !== Chart.prototype.toJson) return;
  const original = chart.toJson;
  chart.toJson = () => {
    if (!session.prepared) {
      const json = original.call(chart);
      session.prepared = true;
      return json;
    }
    return new DependencyGraph(chart.node)
      .topology()
      .filter((node): node is ApiObject => node instanceof ApiObject && Chart.of(node) === chart)
      .map((object) => object.toJson());
  };
  session.charts.push(chart);
}

const COMPUTATIONS = new WeakMap<IConstruct, Map<string, number>>();

/** `compute()` once per session of `root`'s app under `key`; every call outside a session computes. */
export function oncePerSynthesis<T>(root: IConstruct, key: string, compute: () => T): T {
  const app = root.node.root;
  const session = SESSIONS.get(app);
  if (session?.results.has(key)) return session.results.get(key) as T;
  const counts = COMPUTATIONS.get(app) ?? new Map<string, number>();
  COMPUTATIONS.set(app, counts);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  const result = compute();
  session?.results.set(key, result);
  return result;
}

/** How often each app-wide result of `root`'s app was computed (the operation counts tests assert). */
export function synthesisComputations(root: IConstruct): ReadonlyMap<string, number> {
  return new Map(COMPUTATIONS.get(root.node.root) ?? []);
}

/**
 * Makes `app.synth()` and `app.synthYaml()` of `root`'s app run as sessions (once per app), whose
 * YAML is written by `withYamlWriter`. Only the app instance is wrapped, and cdk8s's
 * `Yaml.stringify` is replaced only for the call's duration.
 */
export function synthesizeInSessions(root: IConstruct): void {
  const app = root.node.root as IConstruct & { synth?: () => void; synthYaml?: () => string; [WRAPPED]?: boolean };
  if (app[WRAPPED]) return;
  app[WRAPPED] = true;
  for (const method of ['synth', 'synthYaml'] as const) {
    const original = app[method];
    if (typeof original !== 'function') continue;
    Object.defineProperty(app, method, {
      value: (...args: unknown[]) =>
        withinSynthesis(app, () => {
          const session = SESSIONS.get(app)!;
          const before = session.prepared;
          // Both validate the app and resolve its dependencies before they synthesize any chart
          // (and throw before, if the app is invalid): within the call, charts need not again.
          session.prepared = true;
          try {
            // The files are written by the library's YAML writer: the same bytes, sooner.
            return withYamlWriter(() => (original as (...a: unknown[]) => unknown).apply(app, args));
          } catch (error) {
            session.prepared = before;
            throw error;
          }
        }),
      configurable: true,
      writable: true,
    });
  }
}
