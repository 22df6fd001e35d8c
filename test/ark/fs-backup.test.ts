import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KubeCronJob, KubeStatefulSet } from 'cdk8s-plus-27/lib/imports/k8s';
import { describe, expect, it } from 'vitest';
import { Construct } from 'constructs';
import {
  AzureDiskStorageClass,
  PostgresSingleton,
  ZonalStatefulSet,
  excludeFromFsBackup,
  markForFsBackup,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';
import { rejected } from './fixtures';

function wordpress(chart = Testing.chart()) {
  const deployment = new kplus.Deployment(chart, 'wp', {
    containers: [{ image: 'wordpress:6.8', securityContext: { ensureNonRoot: false } }],
  });
  const content = kplus.Volume.fromEmptyDir(chart, 'content', 'wp-content');
  const cache = kplus.Volume.fromEmptyDir(chart, 'cache', 'cache');
  deployment.containers[0].mount('/var/www/html', content);
  deployment.addVolume(cache);
  return { chart, deployment };
}

function podAnnotations(objects: any[], kind: string) {
  const object = objects.find((o) => o.kind === kind);
  return kind === 'CronJob'
    ? object.spec.jobTemplate.spec.template.metadata.annotations
    : object.spec.template.metadata.annotations;
}

describe('markForFsBackup / excludeFromFsBackup', () => {
  it('annotates a cdk8s-plus workload pod template, merging with earlier calls', () => {
    const { chart, deployment } = wordpress();
    markForFsBackup(deployment, ['wp-content']);
    markForFsBackup(deployment, ['cache', 'wp-content']);
    expect(podAnnotations(synthValid(chart), 'Deployment')).toEqual({
      'backup.velero.io/backup-volumes': 'wp-content,cache',
    });
  });

  it('writes the opt-out annotation for defaultVolumesToFsBackup schedules', () => {
    const { chart, deployment } = wordpress();
    excludeFromFsBackup(deployment, ['cache']);
    expect(podAnnotations(synthValid(chart), 'Deployment')).toEqual({
      'backup.velero.io/backup-volumes-excludes': 'cache',
    });
  });

  it('annotates a plain Pod on its own metadata', () => {
    const chart = Testing.chart();
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'busybox:1.37' }] });
    pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'data', 'data'));
    markForFsBackup(pod, ['data']);
    expect(synthValid(chart)[0].metadata.annotations).toEqual({ 'backup.velero.io/backup-volumes': 'data' });
  });

  it('annotates raw ApiObjects, including StatefulSet claim templates and CronJobs', () => {
    const chart = Testing.chart();
    const sts = new KubeStatefulSet(chart, 'db', {
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: {
            containers: [
              {
                name: 'db',
                image: 'postgres:17',
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: {} } } },
        ],
      },
    });
    const cron = new KubeCronJob(chart, 'report', {
      spec: {
        schedule: '@daily',
        jobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { team: 'x' } },
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'r', image: 'busybox:1.37' }],
                volumes: [{ name: 'out', emptyDir: {} }],
              },
            },
          },
        },
      },
    });
    markForFsBackup(sts, ['data']);
    markForFsBackup(cron, ['out']);
    const objects = synthValid(chart);
    expect(podAnnotations(objects, 'StatefulSet')).toEqual({ 'backup.velero.io/backup-volumes': 'data' });
    expect(podAnnotations(objects, 'CronJob')).toEqual({ team: 'x', 'backup.velero.io/backup-volumes': 'out' });
  });

  it('rejects unknown volumes, conflicts with the opt-out list and kinds without pods', () => {
    const { deployment } = wordpress();
    expect(() => markForFsBackup(deployment, ['uploads'])).toThrow(
      rejected('test/wp', 'volumes', '"uploads"', 'a volume of the pod (cache, wp-content)'),
    );
    expect(() => markForFsBackup(deployment, [])).toThrow(
      rejected('test/wp', 'volumes', '[]', 'a non-empty list of pod volume names'),
    );
    expect(() => markForFsBackup(deployment, ['Cache'])).toThrow(
      rejected('test/wp', 'volumes[0]', '"Cache"', 'a DNS-1123 label'),
    );
    expect(() => markForFsBackup(deployment, ['cache', 'cache'])).toThrow(
      rejected('test/wp', 'volumes', '["cache","cache"]', 'each volume once'),
    );
    excludeFromFsBackup(deployment, ['cache']);
    expect(() => markForFsBackup(deployment, ['cache'])).toThrow(
      rejected(
        'test/wp',
        'volumes',
        '["cache"]',
        'volumes not listed in backup.velero.io/backup-volumes-excludes as well',
      ),
    );
    const config = new ApiObject(Testing.chart(), 'cm', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(() => markForFsBackup(config, ['data'])).toThrow(
      rejected('test/cm', 'workload', '"ConfigMap"', 'a pod-bearing kind'),
    );
  });

  it("accepts the library's own ZonalStatefulSet and PostgresSingleton (their StatefulSet's pod template)", () => {
    const chart = Testing.chart();
    const cache = new ZonalStatefulSet(chart, 'cache', {
      name: 'cache',
      zones: ['westeurope-1'],
      podSecurity: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
      containers: [{ name: 'cache', image: 'valkey/valkey:8.1', portNumber: 6379 }],
      volumeClaimTemplates: [
        { name: 'data', size: '4Gi', mountPath: '/data', storageClass: new AzureDiskStorageClass(chart, 'disks') },
      ],
    });
    const db = new PostgresSingleton(chart, 'db', { name: 'db' });
    markForFsBackup(cache, ['data']);
    excludeFromFsBackup(db, ['tmp']);
    const sets = synthValid(chart).filter((o) => o.kind === 'StatefulSet');
    expect(sets.find((o) => o.metadata.name === 'cache').spec.template.metadata.annotations).toEqual({
      'backup.velero.io/backup-volumes': 'data',
    });
    expect(sets.find((o) => o.metadata.name === 'db').spec.template.metadata.annotations).toEqual({
      'backup.velero.io/backup-volumes-excludes': 'tmp',
    });
    expect(() => markForFsBackup(db, ['nope'])).toThrow(
      rejected('test/db', 'volumes', '"nope"', 'a volume of the pod'),
    );
  });

  it('accepts a pod of another cdk8s-plus copy or major, read by its shape rather than its class', () => {
    // What cdk8s-plus-28's Pod looks like to this copy: same members, a different class.
    class ForeignPod extends Construct {
      public readonly volumes = [{ name: 'data' }];
      public readonly containers = [{ mounts: [{ volume: { name: 'logs' } }] }];
      public readonly initContainers = [];
      public readonly annotations: Record<string, string> = {};
      public readonly podMetadata = {
        toJson: () => ({ annotations: { ...this.annotations } }),
        addAnnotation: (key: string, value: string) => {
          this.annotations[key] = value;
        },
      };
    }
    const pod = new ForeignPod(Testing.chart(), 'foreign');
    expect(pod).not.toBeInstanceOf(kplus.AbstractPod);
    markForFsBackup(pod, ['data', 'logs']);
    expect(pod.annotations).toEqual({ 'backup.velero.io/backup-volumes': 'data,logs' });
    expect(() => markForFsBackup(pod, ['cache'])).toThrow(
      rejected('test/foreign', 'volumes', '"cache"', 'a volume of the pod (data, logs)'),
    );
  });

  it('names the path of a construct without one pod template, and says what it got when it is not a construct', () => {
    const chart = Testing.chart();
    const empty = new Construct(chart, 'empty');
    expect(() => markForFsBackup(empty, ['data'])).toThrow(
      rejected('test/empty', 'workload', '"a construct without a pod template"', 'a pod, a workload, or a construct'),
    );
    expect(() => markForFsBackup({} as never, ['data'])).toThrow(
      rejected('markForFsBackup', 'workload', '"object"', 'a construct: a cdk8s-plus Pod or workload'),
    );
  });
});
