import * as fs from 'node:fs';
import { Size } from 'cdk8s';
import { IntOrString, Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AksStatefulValidationError } from '../../lib/core/errors';
import { checkKubeJson } from '../../lib/core/kube-json';
import { OUTPUT, renderKubeFields } from '../../scripts/generate-kube-fields';

const scope = new Construct(undefined as never, 'db');

function refused(value: unknown, type: Parameters<typeof checkKubeJson>[3]): AksStatefulValidationError {
  try {
    checkKubeJson(scope, 'sidecars[0]', value, type);
  } catch (e) {
    expect(e).toBeInstanceOf(AksStatefulValidationError);
    return e as AksStatefulValidationError;
  }
  throw new Error('accepted');
}

describe('checkKubeJson', () => {
  const sidecar = {
    name: 'exporter',
    image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
    ports: [{ containerPort: 9187, name: 'metrics' }],
    livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 10 },
    env: [{ name: 'LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } }],
    resources: { limits: { memory: '64Mi' }, requests: { cpu: '10m' } },
  };

  it('returns an equal copy of a valid value, sharing nothing with it', () => {
    const copy = checkKubeJson<typeof sidecar>(scope, 'sidecars[0]', sidecar, 'Container');
    expect(copy).toEqual(sidecar);
    expect(copy.ports[0]).not.toBe(sidecar.ports[0]);
    expect(copy.livenessProbe.httpGet).not.toBe(sidecar.livenessProbe.httpGet);
  });

  it('refuses a field the type does not have, at any depth, by its path', () => {
    const e = refused({ ...sidecar, livenessProbe: { httpGet: { pth: '/', port: 9187 } } }, 'Container');
    expect(e.field).toBe('sidecars[0].livenessProbe.httpGet.pth');
    expect(e.message).toMatch(/a field of a Kubernetes 1\.27 HttpGetAction: host, httpHeaders, path, port, scheme/);
    expect(refused({ key: 'dedicated', tolerationSecond: 5 }, 'Toleration').field).toBe('sidecars[0].tolerationSecond');
  });

  it('takes Kubernetes JSON names, not the generated props', () => {
    expect(refused({ ...sidecar, ports: [{ containerPort: 1, hostIp: '0.0.0.0' }] }, 'Container').field).toBe(
      'sidecars[0].ports[0].hostIp',
    );
    expect(checkKubeJson(scope, 'v', { name: 'd', downwardAPI: { items: [] } }, 'Volume')).toEqual({
      name: 'd',
      downwardAPI: { items: [] },
    });
  });

  it('refuses a value of the wrong kind, as a config file writes it', () => {
    expect(refused({ ...sidecar, stdin: 'true' }, 'Container').field).toBe('sidecars[0].stdin');
    expect(refused({ ...sidecar, ports: { containerPort: 1 } }, 'Container').field).toBe('sidecars[0].ports');
    expect(refused({ ...sidecar, ports: [{ containerPort: '9187' }] }, 'Container').field).toBe(
      'sidecars[0].ports[0].containerPort',
    );
    expect(refused({ ...sidecar, resources: { limits: { memory: Size.mebibytes(64) } } }, 'Container').field).toBe(
      'sidecars[0].resources.limits["memory"]',
    );
  });

  it("takes cdk8s-plus's Quantity and IntOrString as their values", () => {
    const copy = checkKubeJson<any>(
      scope,
      'sidecars[0]',
      {
        ...sidecar,
        livenessProbe: { tcpSocket: { port: IntOrString.fromNumber(9187) } },
        resources: { limits: { memory: Quantity.fromString('64Mi') } },
      },
      'Container',
    );
    expect(copy.livenessProbe.tcpSocket.port).toBe(9187);
    expect(copy.resources.limits.memory).toBe('64Mi');
    expect(
      checkKubeJson<any>(scope, 'v', { name: 'x', emptyDir: { sizeLimit: Quantity.fromString('1Gi') } }, 'Volume'),
    ).toEqual({ name: 'x', emptyDir: { sizeLimit: '1Gi' } });
  });

  it('drops undefined fields and copies objects without a prototype', () => {
    const probe = Object.assign(Object.create(null), { exec: { command: ['true'] }, timeoutSeconds: undefined });
    const copy = checkKubeJson<any>(scope, 'sidecars[0]', { ...sidecar, readinessProbe: probe }, 'Container');
    expect(Object.getPrototypeOf(copy.readinessProbe)).toBe(Object.prototype);
    expect(copy.readinessProbe).toEqual({ exec: { command: ['true'] } });
  });
});

describe('lib/core/kube-fields.generated.ts', () => {
  it('is what scripts/generate-kube-fields.ts writes (npm run build)', async () => {
    expect(fs.readFileSync(OUTPUT, 'utf8')).toBe(await renderKubeFields());
  }, 30_000);
});
