import { Container, EnvVar } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { ResolvedBackupStorage, storageEnv } from '../azure/blob-storage';
import { JobContainerResources, JobLimits, renderJobResources, scriptContainer } from '../postgres/job-pod';
import { FETCH_SCRIPT } from '../postgres/scripts';

/**
 * How long each side of the stream waits for the other to show up (the fetch container for the
 * restoring container's pipe, that one for the fetch container's checksum): 15 minutes, which
 * covers pulling either image on a new node, or the Job's deadline if shorter. A container that
 * died without leaving its status file is noticed then, not at the deadline.
 */
function streamWaitSeconds(limits: JobLimits): number {
  return Math.min(15 * 60, limits.activeDeadlineSeconds);
}

/** The environment the container reading the stream needs from this side: how long to wait for the fetch. */
export function streamReaderEnv(limits: JobLimits): EnvVar[] {
  return [{ name: 'FETCH_WAIT_SECONDS', value: String(streamWaitSeconds(limits)) }];
}

/**
 * The `az` container of the restore Job and the drill, running beside the container that restores:
 * finds a named dump, or the latest under the prefix, with the checksum recorded when it was taken
 * (and that of its globals), and streams it into the pipe the other container reads, or downloads
 * it to the scratch volume (`toFile`). It asks for no scratch space of its own: the restoring
 * container's request covers the shared volume.
 */
export function fetchContainer(
  scope: IConstruct,
  spec: {
    readonly storage: ResolvedBackupStorage;
    readonly dumpPrefix: string;
    readonly image: string;
    readonly resources?: JobContainerResources;
    /** A blob name; the latest dump under the prefix when unset. */
    readonly blob?: string;
    /** The Job's limits: the wait for the restoring container's pipe is bounded by its deadline. */
    readonly limits: JobLimits;
    /** Download the dump to `<scratch>/dump` instead of streaming it (for `pg_restore --jobs`). @default false */
    readonly toFile?: boolean;
    /** Download the dump's globals (`<stamp>.globals.sql`) to `<scratch>/globals.sql` when it records them. @default false */
    readonly globals?: boolean;
  },
): Container {
  return scriptContainer({
    name: 'fetch',
    image: spec.image,
    script: FETCH_SCRIPT,
    env: [
      ...storageEnv(spec.storage),
      { name: 'DUMP_PREFIX', value: spec.dumpPrefix },
      ...(spec.blob ? [{ name: 'BACKUP_BLOB', value: spec.blob }] : []),
      { name: 'RESTORE_WAIT_SECONDS', value: String(streamWaitSeconds(spec.limits)) },
      ...(spec.toFile ? [{ name: 'FETCH_TO_FILE', value: 'true' }] : []),
      ...(spec.globals ? [{ name: 'FETCH_GLOBALS', value: 'true' }] : []),
      // Named in the error when the image lacks a program the fetch needs (curl, python3).
      { name: 'CONTAINER_IMAGE', value: spec.image },
    ],
    resources: renderJobResources(scope, 'resources.fetch', spec.resources, {
      cpuRequest: '100m',
      memoryRequest: '256Mi',
      memoryLimit: '512Mi',
    }),
    azureCli: true,
  });
}
