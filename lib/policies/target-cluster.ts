import { IConstruct } from 'constructs';
import { checkDnsLabel } from '../core/names';
import { checkConstruct } from '../core/types';

const CLUSTER = Symbol.for('aks-stateful.target-cluster');

/**
 * Says that the objects under `scope` (a chart, usually) are applied to the cluster `name`, not
 * with the rest of the app: the app-wide check for two objects with one identity compares only
 * objects of one cluster. An app that holds the charts of several clusters (a primary and a
 * restore cluster with the same Velero namespace and names) marks each cluster's charts; by
 * default the whole app is one cluster. Nothing synthesized changes.
 */
export function setTargetCluster(scope: IConstruct, name: string): void {
  checkConstruct('setTargetCluster', 'scope', scope);
  checkDnsLabel(scope, 'cluster', name);
  (scope as IConstruct & { [CLUSTER]?: string })[CLUSTER] = name;
}

/** The cluster the objects under `scope` go to: the nearest mark on it or a scope above it ('' for the app's own). */
export function targetClusterOf(scope: IConstruct): string {
  for (const node of [...scope.node.scopes].reverse()) {
    const name = (node as IConstruct & { [CLUSTER]?: string })[CLUSTER];
    if (name !== undefined) return name;
  }
  return '';
}
