import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AksStatefulValidationError } from '../core/errors';
import { POD_TEMPLATE_PATHS } from '../core/pod-template';
import { targetClusterOf } from './target-cluster';

/** One synthesized object with the construct path of the ApiObject that renders it. */
export interface Manifest {
  readonly path: string;
  readonly json: any;
  /** The cluster it is applied to (see `setTargetCluster`; '' for the app's own). */
  readonly cluster: string;
}

/** Every object under `root`, serialized (once per synthesis: the session memoizes `toJson`). */
export function manifestsOf(root: IConstruct): Manifest[] {
  return root.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => ({ path: o.node.path, json: o.toJson(), cluster: targetClusterOf(o) }));
}

/** One problem of an app-wide check (the same error a construct throws for bad input). */
export function problem(path: string, field: string, value: unknown, allowed: string): AksStatefulValidationError {
  return new AksStatefulValidationError(path, field, value, allowed);
}

/** Where the pod spec of a pod-bearing kind is (a CronJob's is inside its job template). */
export function podSpecPath(m: any): readonly string[] | undefined {
  const template = POD_TEMPLATE_PATHS[m?.kind];
  return template && [...template, 'spec'];
}

/** The pod spec of a pod-bearing object, or undefined for other kinds. */
export function podSpecOf(m: any): any {
  return podSpecPath(m)?.reduce((v: any, k) => v?.[k], m);
}

/** The namespace a namespaced object lands in: its own, else `default` (what kubectl applies it to). */
export function namespaceOf(m: any): string {
  return m.metadata?.namespace ?? 'default';
}
