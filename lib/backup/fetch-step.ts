import { Container } from 'cdk8s-plus-27/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { StorageSize } from '../validation/storage-size';
import { ResolvedBackupStorage, storageEnv } from './backup-storage';
import { JobContainerResources, renderJobResources, scriptContainer } from './job-pod';
import { FETCH_SCRIPT } from './scripts';

/**
 * The init container of the restore Job and the drill: downloads a named dump, or the latest under
 * the prefix, with the checksum recorded when it was taken.
 */
export function fetchContainer(scope: IConstruct, spec: {
  readonly storage: ResolvedBackupStorage;
  readonly dumpPrefix: string;
  readonly image: string;
  readonly scratch: StorageSize;
  readonly resources?: JobContainerResources;
  /** A blob name; the latest dump under the prefix when unset. */
  readonly blob?: string;
}): Container {
  return scriptContainer({
    name: 'fetch',
    image: spec.image,
    script: FETCH_SCRIPT,
    env: [
      ...storageEnv(spec.storage),
      { name: 'DUMP_PREFIX', value: spec.dumpPrefix },
      ...(spec.blob ? [{ name: 'BACKUP_BLOB', value: spec.blob }] : []),
    ],
    resources: renderJobResources(scope, 'resources.fetch', spec.resources, { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi', scratch: spec.scratch }),
    azureCli: true,
  });
}
