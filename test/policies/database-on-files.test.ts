import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AzureFileStorageClass,
  AzureVolumeClaim,
  StaticAzureFileShare,
  enableStatefulPolicies,
  statefulPolicyProblems,
} from '../../lib';
import { imageRepositoryName } from '../../lib/policies/database-on-files';

/** A chart of the team's own objects, with the app-wide checks turned on (no library construct does it here). */
function chart() {
  const c = new Chart(Testing.app(), 'team', { namespace: 'team' });
  enableStatefulPolicies(c);
  return c;
}

/** A team's own StatefulSet running `image` with its data on a claim template of `storageClassName`. */
function ownStatefulSet(c: Chart, image: string, storageClassName: string) {
  return new ApiObject(c, 'db', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image, volumeMounts: [{ name: 'data', mountPath: '/var/lib/data' }] }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Gi' } } },
        },
      ],
    },
  });
}

const messages = (c: Chart) => statefulPolicyProblems(c).map((p) => p.message);

describe("policy: a database on Azure Files, for the team's own workloads", () => {
  it.each([
    ['postgres:17', 'azurefile-csi'],
    ['docker.io/library/postgres:17.5@sha256:0123abcd', 'azurefile-csi-premium'],
    ['myregistry.azurecr.io:5000/team/mysql:8.4', 'azurefile'],
    ['bitnami/mariadb', 'azurefile-csi-nfs'],
    ['mongo:8', 'azurefile-premium'],
  ])('flags a StatefulSet running %s on the built-in %s class', (image, cls) => {
    const c = chart();
    ownStatefulSet(c, image, cls);
    expect(() => Testing.synth(c)).toThrow(
      new RegExp(
        `team/db: spec\\.volumeClaimTemplates\\[0\\]\\.spec\\.storageClassName "${cls}" is not allowed: an Azure Disk class: PostgreSQL on Azure Files`,
      ),
    );
  });

  it('flags a StatefulSet on an AzureFileStorageClass of the app, named by string', () => {
    const c = chart();
    new AzureFileStorageClass(c, 'files', { name: 'team-files' });
    ownStatefulSet(c, 'postgres:16', 'team-files');
    expect(messages(c)).toEqual([expect.stringMatching(/^team\/db: .*"team-files" is not allowed/)]);
  });

  it('flags a Deployment mounting a Files claim, and a Pod on a static Azure file share', () => {
    const c = chart();
    const claim = new AzureVolumeClaim(c, 'shared', {
      name: 'shared',
      size: '10Gi',
      accessMode: 'ReadWriteMany',
      storageClass: new AzureFileStorageClass(c, 'files', { name: 'team-files' }),
    });
    const deployment = new kplus.Deployment(c, 'mysql', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'mysql:8.4', securityContext: { ensureNonRoot: false } }],
    });
    deployment.containers[0].mount('/var/lib/mysql', claim.toVolume());
    const share = new StaticAzureFileShare(c, 'share', {
      storageAccount: 'teamfiles01',
      shareName: 'pgdata',
      size: '100Gi',
    });
    new ApiObject(c, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pg' },
      spec: {
        containers: [
          { name: 'pg', image: 'postgres:17', volumeMounts: [{ name: 'd', mountPath: '/var/lib/postgresql' }] },
        ],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: share.claimName } }],
      },
    });
    expect(messages(c)).toEqual([
      expect.stringMatching(
        /^team\/mysql\/Resource: spec\.template\.spec\.volumes\[0\]\.persistentVolumeClaim "shared" is not allowed: an Azure Disk class: .*\(mysql:8\.4 mounts a claim on class team-files/,
      ),
      expect.stringMatching(
        /^team\/pod: spec\.volumes\[0\]\.persistentVolumeClaim "[^"]+" is not allowed: an Azure Disk class: .*postgres:17 mounts a claim on an Azure file share/,
      ),
    ]);
  });

  it('accepts a database on a disk, and a non-database on Azure Files', () => {
    const c = chart();
    ownStatefulSet(c, 'postgres:17', 'managed-csi-premium');
    const c2 = chart();
    ownStatefulSet(c2, 'nginx:1.27', 'azurefile-csi');
    expect(messages(c)).toEqual([]);
    expect(messages(c2)).toEqual([]);
  });

  it('reads the repository name without registry, port, tag or digest', () => {
    expect(imageRepositoryName('postgres')).toBe('postgres');
    expect(imageRepositoryName('registry.local:5000/dbs/PostgreSQL:16-alpine@sha256:ab')).toBe('postgresql');
    expect(imageRepositoryName('ghcr.io/cloudnative-pg/postgresql@sha256:ab')).toBe('postgresql');
    expect(imageRepositoryName('nginx:1.27')).toBe('nginx');
  });
});
