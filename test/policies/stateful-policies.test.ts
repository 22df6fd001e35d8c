import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KubeStatefulSet, Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskStorageClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  PostgresSingleton,
  statefulPolicyProblems,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';

function chart(app: App = Testing.app()) {
  return new Chart(app, 'test', { namespace: 'apps' });
}

function deploymentWith(c: Chart, claim: AzureVolumeClaim, replicas: number, strategy?: kplus.DeploymentStrategy) {
  const deployment = new kplus.Deployment(c, 'web', {
    replicas,
    ...(strategy ? { strategy } : {}),
    containers: [{ image: 'nginx:1.27', securityContext: { user: 101 } }],
  });
  deployment.containers[0].mount('/data', claim.toVolume());
  return deployment;
}

function rawStatefulSet(c: Chart, storageClassName: string, replicas: number, zoneSpread: boolean) {
  return new KubeStatefulSet(c, 'raw', {
    spec: {
      replicas,
      serviceName: 'raw',
      selector: { matchLabels: { app: 'raw' } },
      template: {
        metadata: { labels: { app: 'raw' } },
        spec: {
          containers: [{ name: 'main', image: 'busybox:1.37' }],
          topologySpreadConstraints: zoneSpread
            ? [
                {
                  maxSkew: 1,
                  topologyKey: 'topology.kubernetes.io/zone',
                  whenUnsatisfiable: 'DoNotSchedule',
                  labelSelector: { matchLabels: { app: 'raw' } },
                },
              ]
            : undefined,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            storageClassName,
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: Quantity.fromString('1Gi') } },
          },
        },
      ],
    },
  });
}

describe('policy: several pods on one ReadWriteOnce claim (Multi-Attach)', () => {
  it('fails synthesis for a Deployment with 2 replicas on a disk claim, naming the object, field and claim', () => {
    const c = chart();
    const claim = new AzureVolumeClaim(c, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    deploymentWith(c, claim, 2);
    expect(() => Testing.synth(c)).toThrow(
      /test\/web\/Resource: spec\.template\.spec\.volumes\[0\]\.persistentVolumeClaim "data" is not allowed: a claim that 2 replicas and the extra pod of a rolling update can share: "data" is ReadWriteOnce \(an Azure Disk attaches to one node; the second pod fails with Multi-Attach\)/,
    );
  });

  it('flags one replica with a rolling update (its extra pod waits on Multi-Attach and the rollout stalls)', () => {
    const c = chart();
    const claim = new AzureVolumeClaim(c, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    deploymentWith(c, claim, 1);
    expect(() => Testing.synth(c)).toThrow(
      /test\/web\/Resource: spec\.template\.spec\.volumes\[0\]\.persistentVolumeClaim "data" is not allowed: a claim that 1 replica and the extra pod of a rolling update can share: .* Use strategy Recreate \(or rollingUpdate\.maxSurge 0\)/,
    );
    const c2 = chart();
    const noSurge = new AzureVolumeClaim(c2, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c2, 'disk'),
    });
    deploymentWith(
      c2,
      noSurge,
      1,
      kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(0),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(1),
      }),
    );
    expect(synthValid(c2).some((o) => o.kind === 'Deployment')).toBe(true);
  });

  it('flags a CronJob whose runs may overlap on a disk claim, and accepts one that forbids overlap', () => {
    const cronJob = (c: Chart, concurrencyPolicy?: string) =>
      new ApiObject(c, 'cron', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report' },
        spec: {
          schedule: '0 * * * *',
          ...(concurrencyPolicy ? { concurrencyPolicy } : {}),
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'r', image: 'busybox:1.37' }],
                  volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
                },
              },
            },
          },
        },
      });
    const c = chart();
    new AzureVolumeClaim(c, 'data', { name: 'data', size: '1Gi', storageClass: new AzureDiskStorageClass(c, 'disk') });
    cronJob(c);
    expect(() => Testing.synth(c)).toThrow(
      /test\/cron: spec\.jobTemplate\.spec\.template\.spec\.volumes\[0\]\.persistentVolumeClaim "data" is not allowed: a claim that overlapping runs can share/,
    );
    const c2 = chart();
    new AzureVolumeClaim(c2, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c2, 'disk'),
    });
    cronJob(c2, 'Forbid');
    expect(() => Testing.synth(c2)).not.toThrow();
  });

  it('accepts one replica that is recreated, and several replicas on a ReadWriteMany Azure Files claim', () => {
    const c = chart();
    const disk = new AzureVolumeClaim(c, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    deploymentWith(c, disk, 1, kplus.DeploymentStrategy.recreate());
    const c2 = chart();
    const files = new AzureVolumeClaim(c2, 'shared', {
      name: 'shared',
      size: '10Gi',
      accessMode: 'ReadWriteMany',
      storageClass: new AzureFileStorageClass(c2, 'files'),
    });
    deploymentWith(c2, files, 3);
    expect(synthValid(c).some((o) => o.kind === 'Deployment')).toBe(true);
    expect(synthValid(c2).some((o) => o.kind === 'Deployment')).toBe(true);
  });

  it('flags a DaemonSet mounting a disk claim (one pod per node)', () => {
    const c = chart();
    const claim = new AzureVolumeClaim(c, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    const ds = new kplus.DaemonSet(c, 'agent', {
      containers: [{ image: 'busybox:1.37', securityContext: { user: 1000 } }],
    });
    ds.containers[0].mount('/data', claim.toVolume());
    expect(statefulPolicyProblems(c).map((p) => p.message)).toEqual([
      expect.stringMatching(/^test\/agent\/Resource: .* a claim that one pod per node can share/),
    ]);
  });
});

describe('policy: zonal disks with immediate binding under a multi-zone StatefulSet', () => {
  it('fails for an LRS Immediate class under a StatefulSet spreading over zones', () => {
    const c = chart();
    const cls = new AzureDiskStorageClass(c, 'disk', { name: 'lrs-now', volumeBindingMode: 'Immediate' });
    rawStatefulSet(c, cls.name, 3, true);
    expect(() => Testing.synth(c)).toThrow(
      /test\/raw: spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName "lrs-now" is not allowed: a class with volumeBindingMode WaitForFirstConsumer \(or a ZRS SKU\)/,
    );
  });

  it('accepts late binding, ZRS, and a single unspread replica', () => {
    for (const [props, replicas, spread] of [
      [{ name: 'late' }, 3, true],
      [{ name: 'zrs', sku: 'Premium_ZRS', volumeBindingMode: 'Immediate' }, 3, true],
      [{ name: 'single', volumeBindingMode: 'Immediate' }, 1, false],
    ] as const) {
      const c = chart();
      const cls = new AzureDiskStorageClass(c, 'disk', props);
      rawStatefulSet(c, cls.name, replicas, spread);
      expect(statefulPolicyProblems(c)).toEqual([]);
    }
  });
});

describe('policy: a database on Azure Files', () => {
  it('fails when PostgresSingleton names an Azure Files class of the app', () => {
    const app = Testing.app();
    const c = chart(app);
    new AzureFileStorageClass(c, 'files', { name: 'team-files' });
    new PostgresSingleton(c, 'db', { name: 'db', storageClass: 'team-files' });
    expect(() => Testing.synth(c)).toThrow(
      /test\/db\/Resource: spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName "team-files" is not allowed: an Azure Disk class: PostgreSQL on Azure Files/,
    );
  });

  it('accepts a database on a disk class of the app named by string', () => {
    const c = chart();
    new AzureDiskStorageClass(c, 'disk', { name: 'db-disks', sku: 'Premium_LRS' });
    new PostgresSingleton(c, 'db', { name: 'db', storageClass: 'db-disks' });
    expect(statefulPolicyProblems(c)).toEqual([]);
  });
});

describe('policy wiring', () => {
  it('registers the app-wide check once, however many constructs ask: each problem is reported once', () => {
    const app = Testing.app();
    const c = chart(app);
    const disk = new AzureDiskStorageClass(c, 'a');
    new AzureDiskStorageClass(c, 'b');
    new PostgresSingleton(c, 'db', { name: 'db' });
    const claim = new AzureVolumeClaim(c, 'data', { name: 'data', size: '1Gi', storageClass: disk });
    deploymentWith(c, claim, 2);
    expect(() => app.node.validate()).toThrow(
      /^1 problem in the app:\n- [^\n]*persistentVolumeClaim "data" is not allowed[^\n]*$/,
    );
  });
});
