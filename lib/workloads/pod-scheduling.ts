import { Affinity, NodeSelectorTerm, Toleration } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkKubeJson } from '../core/kube-json';
import { checkDnsSubdomain, checkLabelKey } from '../core/names';
import { checkNotDeprecated } from '../core/deprecated-keys';
import { checkObjectLabels } from './object-metadata';
import { checkInteger, checkOneOf } from '../core/values';

/** Where a workload's pods may run, beyond what the construct itself renders. */
export interface PodSchedulingProps {
  /**
   * Node labels the pods require, added to the ones the construct sets (a key the construct sets
   * is refused when the value differs).
   * @default none beyond the construct's own
   */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate (e.g. a dedicated database node pool). @default none */
  readonly tolerations?: Toleration[];
  /**
   * Extra affinity, merged with the construct's own: required node terms are combined with the
   * construct's (a node must satisfy both), preferred terms and pod (anti-)affinity terms are added.
   * @default none beyond the construct's own
   */
  readonly affinity?: Affinity;
  /** PriorityClass of the pods, so that they are not the first evicted under pressure. @default none (the cluster's default priority) */
  readonly priorityClassName?: string;
}

/** {@link PodSchedulingProps} after validation. */
export interface ResolvedPodScheduling {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations?: Toleration[];
  readonly affinity?: Affinity;
  readonly priorityClassName?: string;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/**
 * Validates the scheduling props. `own` are the node labels the construct sets itself, and
 * `reserved` node-label keys the construct derives from another prop (named in the message).
 */
export function resolvePodScheduling(
  scope: IConstruct,
  props: PodSchedulingProps,
  own: Record<string, string>,
  reserved: Record<string, string> = {},
): ResolvedPodScheduling {
  const extra = checkObjectLabels(scope, 'nodeSelector', props.nodeSelector);
  for (const [key, value] of Object.entries(extra)) {
    if (reserved[key]) invalid(scope, `nodeSelector[${JSON.stringify(key)}]`, value, `unset: ${reserved[key]}`);
    if (own[key] !== undefined && own[key] !== value)
      invalid(
        scope,
        `nodeSelector[${JSON.stringify(key)}]`,
        value,
        `"${own[key]}" (the construct requires it) or unset`,
      );
  }
  if (props.tolerations !== undefined && !Array.isArray(props.tolerations))
    invalid(scope, 'tolerations', props.tolerations, 'a list of tolerations');
  const tolerations = props.tolerations?.map((t, i) =>
    checkToleration(scope, `tolerations[${i}]`, checkKubeJson<Toleration>(scope, `tolerations[${i}]`, t, 'Toleration')),
  );
  const affinity =
    props.affinity === undefined ? undefined : checkKubeJson<Affinity>(scope, 'affinity', props.affinity, 'Affinity');
  if (affinity !== undefined) checkAffinity(scope, affinity);
  const priorityClassName =
    props.priorityClassName === undefined
      ? undefined
      : checkDnsSubdomain(scope, 'priorityClassName', props.priorityClassName);
  return {
    nodeSelector: { ...own, ...extra },
    tolerations: tolerations && tolerations.length > 0 ? tolerations : undefined,
    affinity,
    priorityClassName,
  };
}

/** The rules of a toleration whose fields and types checkKubeJson has checked. */
function checkToleration(scope: IConstruct, field: string, t: Toleration): Toleration {
  const operator = checkOneOf(scope, `${field}.operator`, t.operator ?? 'Equal', ['Equal', 'Exists']);
  if (t.key !== undefined) {
    checkLabelKey(scope, `${field}.key`, t.key);
    checkNotDeprecated(scope, `${field}.key`, [t.key]);
  }
  if (t.key === undefined && operator !== 'Exists')
    invalid(scope, `${field}.operator`, operator, '"Exists" when no key is given (it tolerates every taint)');
  if (operator === 'Exists' && t.value !== undefined)
    invalid(scope, `${field}.value`, t.value, 'unset with operator Exists');
  if (t.effect !== undefined) checkOneOf(scope, `${field}.effect`, t.effect, [...EFFECTS]);
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== 'NoExecute')
      invalid(scope, `${field}.tolerationSeconds`, t.tolerationSeconds, 'unset unless effect is NoExecute');
    checkInteger(scope, `${field}.tolerationSeconds`, t.tolerationSeconds, 0);
  }
  return { ...t };
}

/** The rules of an affinity whose fields and types checkKubeJson has checked. */
function checkAffinity(scope: IConstruct, affinity: Affinity): void {
  checkAffinityKeys(scope, affinity);
  const terms = affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution && (terms ?? []).length === 0) {
    invalid(
      scope,
      'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
      terms,
      'at least one node selector term',
    );
  }
}

/** Node label keys and topology keys of an affinity: a deprecated key matches no current node. */
function checkAffinityKeys(scope: IConstruct, affinity: Affinity): void {
  const node = affinity.nodeAffinity;
  const terms = [
    ...(node?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).map((t, i) => ({
      term: t,
      field: `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`,
    })),
    ...(node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p, i) => ({
      term: p?.preference,
      field: `affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
    })),
  ];
  for (const { term, field } of terms) {
    (term?.matchExpressions ?? []).forEach((e, j) =>
      checkNotDeprecated(scope, `${field}.matchExpressions[${j}].key`, [String(e.key)]),
    );
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pod = affinity[kind];
    const required = pod?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferred = pod?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    required.forEach((t, i) =>
      checkNotDeprecated(scope, `affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].topologyKey`, [
        String(t.topologyKey),
      ]),
    );
    preferred.forEach((t, i) =>
      checkNotDeprecated(
        scope,
        `affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm.topologyKey`,
        [String(t.podAffinityTerm?.topologyKey)],
      ),
    );
  }
}

/** A node must satisfy one of `own`'s terms and one of `extra`'s: terms are ORed, so AND is every pairing. */
function combineTerms(
  own: NodeSelectorTerm[] | undefined,
  extra: NodeSelectorTerm[] | undefined,
): NodeSelectorTerm[] | undefined {
  if (!own || own.length === 0) return extra;
  if (!extra || extra.length === 0) return own;
  return own.flatMap((a) =>
    extra.map((b) => {
      const matchExpressions = [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])];
      const matchFields = [...(a.matchFields ?? []), ...(b.matchFields ?? [])];
      return {
        ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
        ...(matchFields.length > 0 ? { matchFields } : {}),
      };
    }),
  );
}

function concat<T>(a: T[] | undefined, b: T[] | undefined): T[] | undefined {
  const all = [...(a ?? []), ...(b ?? [])];
  return all.length > 0 ? all : undefined;
}

/** The construct's own affinity with the user's merged in; the construct's rules are never dropped. */
export function mergeAffinity(own: Affinity | undefined, extra: Affinity | undefined): Affinity | undefined {
  if (!extra) return own;
  if (!own) return extra;
  const terms = combineTerms(
    own.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    extra.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
  );
  const nodePreferred = concat(
    own.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    extra.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
  );
  const pod = (key: 'podAffinity' | 'podAntiAffinity') => {
    const required = concat(
      own[key]?.requiredDuringSchedulingIgnoredDuringExecution,
      extra[key]?.requiredDuringSchedulingIgnoredDuringExecution,
    );
    const preferred = concat(
      own[key]?.preferredDuringSchedulingIgnoredDuringExecution,
      extra[key]?.preferredDuringSchedulingIgnoredDuringExecution,
    );
    if (!required && !preferred) return undefined;
    return {
      ...(required ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}),
      ...(preferred ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
    };
  };
  const nodeAffinity =
    terms || nodePreferred
      ? {
          ...(terms ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } : {}),
          ...(nodePreferred ? { preferredDuringSchedulingIgnoredDuringExecution: nodePreferred } : {}),
        }
      : undefined;
  const podAffinity = pod('podAffinity');
  const podAntiAffinity = pod('podAntiAffinity');
  return {
    ...(nodeAffinity ? { nodeAffinity } : {}),
    ...(podAffinity ? { podAffinity } : {}),
    ...(podAntiAffinity ? { podAntiAffinity } : {}),
  };
}
