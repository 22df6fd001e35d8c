import { deprecatedKeyReplacement } from '../core/deprecated-keys';
import { AksStatefulValidationError } from '../core/errors';
import { Manifest, podSpecOf, podSpecPath, problem } from './manifests';

interface KeyUse {
  readonly field: string;
  readonly key: string;
}

function keysOf(field: string, map: unknown): KeyUse[] {
  return map && typeof map === 'object' ? Object.keys(map).map((key) => ({ field, key })) : [];
}

function selectorTermKeys(field: string, terms: any[] | undefined): KeyUse[] {
  return (terms ?? []).flatMap((term: any, t: number) =>
    ['matchExpressions', 'matchFields'].flatMap((list) =>
      (term?.[list] ?? []).map((e: any, i: number) => ({ field: `${field}[${t}].${list}[${i}].key`, key: e?.key })),
    ),
  );
}

/** Label keys, annotation keys and topology keys a pod spec uses. */
function podSpecKeys(base: string, spec: any): KeyUse[] {
  const node = spec?.affinity?.nodeAffinity;
  const podTerms = ['podAffinity', 'podAntiAffinity'].flatMap((kind) => {
    const affinity = spec?.affinity?.[kind];
    return [
      ...(affinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any, i: number) => ({
        field: `${base}.affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].topologyKey`,
        key: t?.topologyKey,
      })),
      ...(affinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any, i: number) => ({
        field: `${base}.affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm.topologyKey`,
        key: t?.podAffinityTerm?.topologyKey,
      })),
    ];
  });
  return [
    ...keysOf(`${base}.nodeSelector`, spec?.nodeSelector),
    ...selectorTermKeys(
      `${base}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`,
      node?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    ),
    ...(node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((p: any, i: number) =>
      selectorTermKeys(
        `${base}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
        [p?.preference],
      ).map((use) => ({ ...use, field: use.field.replace('.preference[0]', '.preference') })),
    ),
    ...podTerms,
    ...(spec?.topologySpreadConstraints ?? []).map((t: any, i: number) => ({
      field: `${base}.topologySpreadConstraints[${i}].topologyKey`,
      key: t?.topologyKey,
    })),
  ];
}

/** Every place an object names a label or annotation key. */
function keyUses(json: any): KeyUse[] {
  const uses = [
    ...keysOf('metadata.labels', json.metadata?.labels),
    ...keysOf('metadata.annotations', json.metadata?.annotations),
  ];
  const specPath = podSpecPath(json);
  if (specPath) {
    if (json.kind !== 'Pod') {
      const template = specPath.slice(0, -1).join('.');
      const meta = specPath.slice(0, -1).reduce((v: any, k) => v?.[k], json)?.metadata;
      uses.push(...keysOf(`${template}.metadata.labels`, meta?.labels));
      uses.push(...keysOf(`${template}.metadata.annotations`, meta?.annotations));
    }
    uses.push(...podSpecKeys(specPath.join('.'), podSpecOf(json)));
  }
  if (json.kind === 'StorageClass') {
    (json.allowedTopologies ?? []).forEach((t: any, i: number) =>
      (t?.matchLabelExpressions ?? []).forEach((e: any, j: number) =>
        uses.push({ field: `allowedTopologies[${i}].matchLabelExpressions[${j}].key`, key: e?.key }),
      ),
    );
  }
  if (json.kind === 'PersistentVolume') {
    uses.push(
      ...selectorTermKeys(
        'spec.nodeAffinity.required.nodeSelectorTerms',
        json.spec?.nodeAffinity?.required?.nodeSelectorTerms,
      ),
    );
  }
  if (json.kind === 'StatefulSet') {
    (json.spec?.volumeClaimTemplates ?? []).forEach((t: any, i: number) => {
      uses.push(...keysOf(`spec.volumeClaimTemplates[${i}].metadata.labels`, t?.metadata?.labels));
      uses.push(...keysOf(`spec.volumeClaimTemplates[${i}].metadata.annotations`, t?.metadata?.annotations));
    });
  }
  return uses;
}

/**
 * Deprecated label, annotation and topology keys (core/deprecated-keys.ts) anywhere in the
 * app's objects: metadata, pod templates, node selectors and affinities, spread constraints,
 * StorageClass topologies, PersistentVolume node affinity. Current nodes no longer carry most of
 * them, so a selector on one matches nothing.
 */
export function deprecatedKeys(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  return manifests.flatMap(({ path, json }) =>
    keyUses(json).flatMap(({ field, key }) => {
      const replacement = typeof key === 'string' ? deprecatedKeyReplacement(key) : undefined;
      if (replacement === undefined) return [];
      return [problem(path, field, key, `a current key: "${key}" is deprecated, use ${replacement}`)];
    }),
  );
}
