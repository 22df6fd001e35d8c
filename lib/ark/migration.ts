import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid, pathOf } from '../core/errors';

/** One Heptio Ark name and its Velero equivalent (the table in docs/ark.md). */
export interface ArkRename {
  /** What the Ark name is (API group, annotation, label, namespace, field). */
  readonly what: string;
  readonly ark: string;
  readonly velero: string;
}

/**
 * How Ark-era names map to Velero, after Velero's own v0.11 migration guide (crd-migrator
 * `--from ark.heptio.com/v1 --to velero.io/v1 --label-mappings ark.heptio.com:velero.io,ark-schedule:velero.io/schedule-name
 * --annotation-mappings ark.heptio.com:velero.io --namespace-mappings heptio-ark:velero`) plus the
 * later restic → file-system backup rename of Velero 1.10.
 */
export const ARK_TO_VELERO: readonly ArkRename[] = [
  { what: 'API group', ark: 'ark.heptio.com/v1', velero: 'velero.io/v1' },
  { what: 'namespace', ark: 'heptio-ark', velero: 'velero' },
  {
    what: 'pod annotation (restic, now file-system backup)',
    ark: 'backup.ark.heptio.com/backup-volumes',
    velero: 'backup.velero.io/backup-volumes',
  },
  {
    what: 'backup hook annotations',
    ark: 'pre.hook.backup.ark.heptio.com/*, post.hook.backup.ark.heptio.com/*',
    velero: 'pre.hook.backup.velero.io/*, post.hook.backup.velero.io/*',
  },
  { what: 'any other label or annotation key', ark: '*ark.heptio.com*', velero: '*velero.io*' },
  { what: 'schedule label', ark: 'ark-schedule', velero: 'velero.io/schedule-name' },
  { what: 'component label value', ark: 'component: ark', velero: 'component: velero' },
  { what: 'namespace in includedNamespaces / excludedNamespaces', ark: 'heptio-ark', velero: 'velero' },
  { what: 'backup template field (Velero 1.10)', ark: 'defaultVolumesToRestic', velero: 'defaultVolumesToFsBackup' },
];

/** One rewrite, as a JSON pointer into the manifest. */
export interface ArkMigrationChange {
  /** Pointer to the rewritten value, or to the old key for a renamed key. */
  readonly path: string;
  readonly from: string;
  /** The new key or value; empty for a removal. */
  readonly to: string;
  /** `renameKey`: `from`/`to` are keys; `replace`: values; `remove`: a server-populated field dropped. */
  readonly action: 'renameKey' | 'replace' | 'remove';
}

/** The migrated manifest and what changed. */
export interface ArkMigrationResult {
  readonly manifest: Record<string, any>;
  readonly changes: readonly ArkMigrationChange[];
}

/** Ark kinds worth carrying over: what people write by hand. */
const MIGRATABLE_KINDS = ['Backup', 'Restore', 'Schedule', 'BackupStorageLocation', 'VolumeSnapshotLocation'];
/** Objects the Ark server creates itself; Velero recreates its own. */
const RUNTIME_KINDS = [
  'DeleteBackupRequest',
  'DownloadRequest',
  'PodVolumeBackup',
  'PodVolumeRestore',
  'ResticRepository',
  'ServerStatusRequest',
];

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function renameKey(key: string): string {
  if (key === 'ark-schedule') return 'velero.io/schedule-name';
  return key.replace(/ark\.heptio\.com/g, 'velero.io');
}

/**
 * Rewrites one Ark-era manifest (or a `List` of them, as `kubectl get -o yaml` prints) into its
 * Velero equivalent: API group, namespace, label and annotation keys (on the object, pod templates
 * and label selectors), `component: ark`, Ark's namespace in namespace lists, and
 * `defaultVolumesToRestic`; fields the API server fills in (status, uid, resourceVersion, ...,
 * the last-applied annotation) are dropped so an export can be applied. Objects that must not be carried
 * over (Ark's CRDs, its server and restic DaemonSet, runtime requests, the pre-v0.10 `Config`)
 * are rejected with the reason. Manifests without anything Ark-era come back unchanged.
 */
export function migrateArkManifest(manifest: Record<string, any>, where = 'migrateArkManifest'): ArkMigrationResult {
  if (!isRecord(manifest)) invalid(where, 'manifest', manifest, 'a Kubernetes object with apiVersion and kind');
  if (typeof manifest.kind !== 'string' || manifest.kind.length === 0) {
    invalid(where, 'kind', manifest.kind, 'the kind of a Kubernetes object, a non-empty string');
  }
  if (manifest.kind === 'List' && Array.isArray(manifest.items)) {
    // What `kubectl get ... -o yaml` returns for several objects.
    const results = manifest.items.map((item: Record<string, any>) => migrateArkManifest(item, where));
    return {
      manifest: { ...structuredClone(manifest), items: results.map((r: ArkMigrationResult) => r.manifest) },
      changes: results.flatMap((r: ArkMigrationResult, i: number) =>
        r.changes.map((c) => ({ ...c, path: `/items/${i}${c.path}` })),
      ),
    };
  }
  if (manifest.metadata !== undefined && !isRecord(manifest.metadata)) {
    invalid(where, 'metadata', manifest.metadata, 'an object with name, namespace, labels, annotations, ...');
  }
  const out = structuredClone(manifest);
  const changes: ArkMigrationChange[] = [];
  // Errors name the object (kind/name) beside where it came from, and the field of the manifest.
  const at = `${where} ${manifest.kind}/${typeof manifest.metadata?.name === 'string' ? manifest.metadata.name : '?'}`;
  const apiVersion = typeof out.apiVersion === 'string' ? out.apiVersion : '';

  if (apiVersion.startsWith('ark.heptio.com/')) {
    if (out.kind === 'Config') {
      invalid(
        at,
        'kind',
        out.kind,
        'Backup, Restore, Schedule, BackupStorageLocation or VolumeSnapshotLocation: Ark < v0.10 kept everything in one Config; upgrade to Ark v0.10 (BackupStorageLocation + VolumeSnapshotLocation) first, or describe the locations with ArkInstallation',
      );
    }
    if (RUNTIME_KINDS.includes(out.kind)) {
      invalid(
        at,
        'kind',
        out.kind,
        `one of ${MIGRATABLE_KINDS.join(', ')}: the server creates ${out.kind} objects itself; leave them out (Velero syncs backups from the storage location)`,
      );
    }
    if (!MIGRATABLE_KINDS.includes(out.kind)) invalid(at, 'kind', out.kind, `one of ${MIGRATABLE_KINDS.join(', ')}`);
    const to = apiVersion.replace(/^ark\.heptio\.com\//, 'velero.io/');
    changes.push({ path: '/apiVersion', from: apiVersion, to, action: 'replace' });
    out.apiVersion = to;
  }
  if (out.kind === 'CustomResourceDefinition' && String(out.spec?.group ?? '').endsWith('ark.heptio.com')) {
    invalid(
      at,
      'kind',
      out.kind,
      "not Ark's CRDs: ArkInstallation's CRD job installs Velero's own, of the exact server version",
    );
  }
  const images = JSON.stringify(out.spec ?? {}).match(/"image":"[^"]*heptio-images\/ark[^"]*"/);
  if (images) {
    invalid(
      at,
      'image',
      images[0].slice(9, -1),
      'not the Ark server or restic image: replace the Ark Deployment and DaemonSet with ArkInstallation (nodeAgent: true for restic)',
    );
  }
  stripServerFields(out, changes);
  if (out.kind === 'Namespace' && out.metadata?.name === 'heptio-ark') {
    changes.push({ path: '/metadata/name', from: 'heptio-ark', to: 'velero', action: 'replace' });
    out.metadata.name = 'velero';
  }
  if (out.metadata?.namespace === 'heptio-ark') {
    changes.push({ path: '/metadata/namespace', from: 'heptio-ark', to: 'velero', action: 'replace' });
    out.metadata.namespace = 'velero';
  }
  walk(out, '', changes);
  return { manifest: out, changes };
}

/** Fields the API server fills in; an exported object cannot be applied to another cluster with them. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function stripServerFields(out: Record<string, any>, changes: ArkMigrationChange[]): void {
  const removed = (path: string, from: string) => changes.push({ path, from, to: '', action: 'remove' });
  if ('status' in out) {
    removed('/status', 'status');
    delete out.status;
  }
  for (const field of SERVER_METADATA) {
    if (out.metadata && field in out.metadata) {
      removed(`/metadata/${field}`, field);
      delete out.metadata[field];
    }
  }
  if (out.metadata?.annotations && LAST_APPLIED in out.metadata.annotations) {
    removed(`/metadata/annotations/${escapeKey(LAST_APPLIED)}`, LAST_APPLIED);
    delete out.metadata.annotations[LAST_APPLIED];
  }
}

function walk(node: any, pointer: string, changes: ArkMigrationChange[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${pointer}/${i}`, changes));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const mapName of ['labels', 'annotations', 'matchLabels']) {
    const map = node[mapName];
    if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(map)) {
      const newKey = renameKey(key);
      let newValue = value;
      if (newKey !== key && newKey in map) {
        invalid(
          'migrateArkManifest',
          `${pointer}/${mapName}`,
          key,
          `a key whose Velero name ${newKey} is not also present: keep one of the two`,
        );
      }
      if (newKey !== key)
        changes.push({ path: `${pointer}/${mapName}/${escapeKey(key)}`, from: key, to: newKey, action: 'renameKey' });
      if (mapName !== 'annotations' && newKey === 'component' && value === 'ark') {
        newValue = 'velero';
        changes.push({
          path: `${pointer}/${mapName}/${escapeKey(newKey)}`,
          from: 'ark',
          to: 'velero',
          action: 'replace',
        });
      }
      renamed[newKey] = newValue;
    }
    node[mapName] = renamed;
  }
  if (Array.isArray(node.matchExpressions)) {
    node.matchExpressions.forEach((expr: any, i: number) => {
      if (typeof expr?.key === 'string' && renameKey(expr.key) !== expr.key) {
        changes.push({
          path: `${pointer}/matchExpressions/${i}/key`,
          from: expr.key,
          to: renameKey(expr.key),
          action: 'replace',
        });
        expr.key = renameKey(expr.key);
      }
    });
  }
  for (const listName of ['includedNamespaces', 'excludedNamespaces']) {
    const list = node[listName];
    if (!Array.isArray(list)) continue;
    list.forEach((ns, i) => {
      if (ns === 'heptio-ark') {
        changes.push({ path: `${pointer}/${listName}/${i}`, from: ns, to: 'velero', action: 'replace' });
        list[i] = 'velero';
      }
    });
  }
  if ('defaultVolumesToRestic' in node) {
    if ('defaultVolumesToFsBackup' in node) {
      invalid(
        'migrateArkManifest',
        `${pointer}/defaultVolumesToRestic`,
        node.defaultVolumesToRestic,
        'only one of defaultVolumesToRestic and defaultVolumesToFsBackup',
      );
    }
    changes.push({
      path: `${pointer}/defaultVolumesToRestic`,
      from: 'defaultVolumesToRestic',
      to: 'defaultVolumesToFsBackup',
      action: 'renameKey',
    });
    node.defaultVolumesToFsBackup = node.defaultVolumesToRestic;
    delete node.defaultVolumesToRestic;
  }
  for (const [key, child] of Object.entries(node)) {
    if (['labels', 'annotations', 'matchLabels'].includes(key)) continue;
    walk(child, `${pointer}/${escapeKey(key)}`, changes);
  }
}

/**
 * Migrates every ApiObject under `scope` in place (typically objects read from old YAML with
 * cdk8s `Include`): the same rewrites as {@link migrateArkManifest}, applied as JSON patches.
 * Returns what changed, per object path.
 */
export function migrateArkObjects(scope: IConstruct): Array<ArkMigrationChange & { readonly object: string }> {
  if (typeof (scope as Partial<IConstruct> | null)?.node?.findAll !== 'function') {
    invalid(
      'migrateArkObjects',
      'scope',
      scope,
      'a construct (a Chart, or the construct that holds the included objects)',
    );
  }
  const all: Array<ArkMigrationChange & { readonly object: string }> = [];
  for (const object of scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    const { changes } = migrateArkManifest(object.toJson(), pathOf(object));
    for (const change of changes) {
      if (change.action === 'renameKey') {
        const parent = change.path.slice(0, change.path.lastIndexOf('/'));
        object.addJsonPatch(JsonPatch.move(change.path, `${parent}/${escapeKey(change.to)}`));
      } else if (change.action === 'remove') {
        object.addJsonPatch(JsonPatch.remove(change.path));
      } else {
        object.addJsonPatch(JsonPatch.replace(change.path, change.to));
      }
      all.push({ ...change, object: pathOf(object) });
    }
  }
  return all;
}

function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
