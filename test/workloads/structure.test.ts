/**
 * Issue 10 for the workloads: no calls into cdk8s-plus internals (the containers are rendered by a
 * real cdk8s-plus Pod, read through its public API), and PostgresSingleton's resources go through
 * the library's one resources model.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { PostgresSingleton, ZonalStatefulSet } from '../../lib';
import { only, rejected } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];
const LIB = join(__dirname, '../../lib/workloads');

describe('workloads use cdk8s-plus through its public API only', () => {
  it('has no _toKube() call and no `as never` cast', () => {
    for (const file of readdirSync(LIB).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(LIB, file), 'utf8');
      expect(text, file).not.toMatch(/\._toKube\(|\bas never\b/);
    }
  });

  it('renders containers changed after construction: mounts, env and init containers included', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const set = new ZonalStatefulSet(chart, 'kv', {
      name: 'kv',
      zones: ZONES,
      initContainers: [{ name: 'prepare', image: 'busybox:1.37', command: ['true'] }],
      containers: [{ name: 'app', image: 'busybox:1.37', portNumber: 8080 }],
    });
    set.containers[0].mount('/cache', kplus.Volume.fromEmptyDir(chart, 'cache', 'cache'));
    set.initContainers[0].mount('/work', kplus.Volume.fromEmptyDir(chart, 'work', 'work'));
    set.containers[0].env.addVariable('MODE', kplus.EnvValue.fromValue('late'));
    const pod = only(synthValid(chart), 'StatefulSet').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([{ mountPath: '/cache', name: 'cache' }]);
    expect(pod.containers[0].env).toEqual([{ name: 'MODE', value: 'late' }]);
    expect(pod.containers[0].ports).toEqual([{ containerPort: 8080 }]);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ mountPath: '/work', name: 'work' }]);
    // Init containers' volumes first, as the pod runs them first.
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['work', 'cache']);
  });
});

describe('PostgresSingleton resources: the one resources model', () => {
  const build = (resources: object) => () =>
    new PostgresSingleton(new Chart(Testing.app(), 'test', { namespace: 'apps' }), 'db', {
      name: 'ledger',
      resources,
    });

  it('blames the request the user raised above the default limit, not the limit they never wrote', () => {
    expect(build({ memoryRequest: '2Gi' })).toThrow(
      rejected('test/db', 'resources.memoryRequest', '"2Gi"', 'at most the memory limit (1Gi)'),
    );
  });

  it('refuses a field of another shape instead of ignoring it', () => {
    expect(build({ memory: { limit: '2Gi' } })).toThrow(/resources\.memory /);
  });

  it('renders ephemeral storage like every other construct', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new PostgresSingleton(chart, 'db', { name: 'ledger', resources: { ephemeralStorageLimit: '2Gi' } });
    const container = only(synthValid(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
  });
});
