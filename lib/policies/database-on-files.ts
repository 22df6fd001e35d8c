import { AksStatefulValidationError } from '../core/errors';
import { AKS_BUILT_IN_FILE_CLASSES, DATABASE_ON_FILES_REASON } from '../workloads/postgres-storage-rules';
import { Manifest, namespaceOf, podSpecOf, podSpecPath, problem } from './manifests';

const FILE_DRIVER = 'file.csi.azure.com';

/**
 * Image repositories (the last path segment, without registry, tag or digest) of database servers
 * that need a block device's fsync and locking: `postgres`, `docker.io/bitnami/postgresql:17`,
 * `ghcr.io/cloudnative-pg/postgresql@sha256:...`, `mysql`, `mariadb`, `mongo`, ...
 */
export const DATABASE_IMAGES: readonly string[] = [
  'postgres',
  'postgresql',
  'postgis',
  'timescaledb',
  'timescaledb-ha',
  'mysql',
  'mysql-server',
  'percona-server',
  'mariadb',
  'mongo',
  'mongodb',
  'percona-server-mongodb',
  'cassandra',
  'cockroach',
  'couchdb',
  'influxdb',
  'neo4j',
  'clickhouse-server',
  'elasticsearch',
  'opensearch',
  'etcd',
];

/** `registry:5000/team/postgres:17.5@sha256:...` → `postgres`. */
export function imageRepositoryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const last = withoutDigest.split('/').pop() ?? '';
  return last.split(':')[0].toLowerCase();
}

/** Workloads that run a database server (Jobs and CronJobs only run clients: dumps, restores). */
const SERVER_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'];

/**
 * A database on Azure Files, for any workload of the app: a PostgresSingleton, or a team's own
 * StatefulSet, Deployment or Pod whose container runs a database image (see {@link DATABASE_IMAGES})
 * and mounts a volume on Azure Files: a claim template or claim of an AKS built-in Files class or a
 * StorageClass of the app with provisioner `file.csi.azure.com`, a claim bound to a
 * PersistentVolume of the app backed by an Azure file share, or an inline `azureFile`/CSI volume.
 */
export function databasesOnFiles(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  const fileClasses = new Set(AKS_BUILT_IN_FILE_CLASSES);
  const claims = new Map<string, any>();
  const fileVolumes = new Set<string>();
  const claimsOfFileVolumes = new Set<string>();
  for (const { json } of manifests) {
    if (json.kind === 'StorageClass' && json.provisioner === FILE_DRIVER) fileClasses.add(json.metadata?.name);
    if (json.kind === 'PersistentVolumeClaim') claims.set(`${namespaceOf(json)}/${json.metadata?.name}`, json);
    if (json.kind === 'PersistentVolume' && (json.spec?.azureFile || json.spec?.csi?.driver === FILE_DRIVER)) {
      fileVolumes.add(json.metadata?.name);
      const ref = json.spec?.claimRef;
      if (ref?.name) claimsOfFileVolumes.add(`${ref.namespace ?? 'default'}/${ref.name}`);
    }
  }
  const onFiles = (claimSpec: any) =>
    fileClasses.has(claimSpec?.storageClassName) ||
    (claimSpec?.volumeName !== undefined && fileVolumes.has(claimSpec.volumeName));

  const problems: AksStatefulValidationError[] = [];
  for (const { path, json } of manifests) {
    if (!SERVER_KINDS.includes(json.kind)) continue;
    const spec = podSpecOf(json);
    const containers: any[] = spec?.containers ?? [];
    const labelled = json.metadata?.labels?.['aks-stateful.io/database'] !== undefined;
    const databases = containers.filter(
      (c) => labelled || DATABASE_IMAGES.includes(imageRepositoryName(c.image ?? '')),
    );
    if (databases.length === 0) continue;
    const mounted = new Set(databases.flatMap((c) => (c.volumeMounts ?? []).map((m: any) => m.name)));
    const reason = (why: string) =>
      `${DATABASE_ON_FILES_REASON} (${databases.map((c) => c.image).join(', ')} ${why}; the same holds for every database server)`;

    (json.spec?.volumeClaimTemplates ?? []).forEach((template: any, i: number) => {
      if (json.kind !== 'StatefulSet' || !mounted.has(template.metadata?.name) || !onFiles(template.spec)) return;
      const field = `spec.volumeClaimTemplates[${i}].spec.storageClassName`;
      problems.push(
        problem(path, field, template.spec?.storageClassName, reason('would keep its data on Azure Files')),
      );
    });
    (spec?.volumes ?? []).forEach((volume: any, i: number) => {
      if (!mounted.has(volume.name)) return;
      const field = `${podSpecPath(json)!.join('.')}.volumes[${i}]`;
      const claimName = volume.persistentVolumeClaim?.claimName;
      if (claimName !== undefined) {
        const key = `${namespaceOf(json)}/${claimName}`;
        const claim = claims.get(key);
        if ((claim && onFiles(claim.spec)) || claimsOfFileVolumes.has(key)) {
          const on = claim?.spec?.storageClassName ? `class ${claim.spec.storageClassName}` : 'an Azure file share';
          problems.push(problem(path, `${field}.persistentVolumeClaim`, claimName, reason(`mounts a claim on ${on}`)));
        }
      } else if (volume.azureFile || volume.csi?.driver === FILE_DRIVER) {
        problems.push(problem(path, field, volume.name, reason('mounts an Azure file share')));
      }
    });
  }
  return problems;
}
