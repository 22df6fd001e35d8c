import { Container, EnvVar, Probe, ResourceRequirements } from '../core/kube-objects';
import { PostgresMajorVersion } from '../postgres/connection';

import { restrictedContainerSecurity } from '../core/container-security';
import { POSTGRES_UID } from '../core/well-known';

export { POSTGRES_UID };

/** Where the password Secret is mounted; the image reads it through POSTGRES_PASSWORD_FILE. */
export const PASSWORD_MOUNT_DIR = '/run/secrets/postgres';

/** Where the official image runs scripts on first start. */
export const INIT_SCRIPTS_DIR = '/docker-entrypoint-initdb.d';

/**
 * Where the data disk is mounted and where PGDATA lives. A fresh ext4 disk has `lost+found` at its
 * root, which initdb refuses, so PGDATA is a subdirectory. From 18 the image keeps its data under
 * `/var/lib/postgresql/<major>/docker` and expects the volume at `/var/lib/postgresql`.
 */
export function dataLayout(major: PostgresMajorVersion): { mountPath: string; pgdata?: string } {
  return major >= 18
    ? { mountPath: '/var/lib/postgresql' }
    : { mountPath: '/var/lib/postgresql/data', pgdata: '/var/lib/postgresql/data/pgdata' };
}

/** Inputs of {@link postgresContainer}. */
export interface PostgresContainerSpec {
  readonly image: string;
  readonly major: PostgresMajorVersion;
  readonly database: string;
  readonly user: string;
  readonly passwordKey: string;
  readonly settings: Record<string, string>;
  /** Extra variables, after the construct's own. */
  readonly env?: EnvVar[];
  readonly resources: ResourceRequirements;
  readonly hasInitScripts: boolean;
}

function readinessCommand(spec: PostgresContainerSpec): string[] {
  // The Unix socket needs no password and proves the server accepts connections.
  return ['pg_isready', '--username', spec.user, '--dbname', spec.database, '--quiet'];
}

function probe(spec: PostgresContainerSpec, overrides: Probe): Probe {
  return { exec: { command: readinessCommand(spec) }, timeoutSeconds: 5, ...overrides };
}

/** The PostgreSQL server container: non-root, read-only root filesystem, probes with pg_isready. */
export function postgresContainer(spec: PostgresContainerSpec): Container {
  const layout = dataLayout(spec.major);
  const args = Object.entries(spec.settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  return {
    name: 'postgres',
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    args: args.length > 0 ? args : undefined,
    ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
    env: [
      { name: 'POSTGRES_USER', value: spec.user },
      { name: 'POSTGRES_DB', value: spec.database },
      { name: 'POSTGRES_PASSWORD_FILE', value: `${PASSWORD_MOUNT_DIR}/${spec.passwordKey}` },
      ...(layout.pgdata ? [{ name: 'PGDATA', value: layout.pgdata }] : []),
      ...(spec.env ?? []),
    ],
    resources: spec.resources,
    securityContext: restrictedContainerSecurity({ user: POSTGRES_UID }),
    // Crash recovery after an unclean stop can replay a lot of WAL: up to 30 minutes before liveness counts.
    startupProbe: probe(spec, { periodSeconds: 10, failureThreshold: 180 }),
    readinessProbe: probe(spec, { periodSeconds: 10, failureThreshold: 3 }),
    livenessProbe: probe(spec, { periodSeconds: 20, failureThreshold: 6 }),
    volumeMounts: [
      { name: 'data', mountPath: layout.mountPath },
      { name: 'password', mountPath: PASSWORD_MOUNT_DIR, readOnly: true },
      { name: 'shm', mountPath: '/dev/shm' },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'tmp', mountPath: '/tmp' },
      ...(spec.hasInitScripts ? [{ name: 'init-scripts', mountPath: INIT_SCRIPTS_DIR, readOnly: true }] : []),
    ],
  };
}
