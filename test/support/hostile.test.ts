import { describe, expect, it } from 'vitest';
import { ApiObject, Chart } from 'cdk8s';
import { invalid } from '../../lib/core/errors';
import { assertHostileInputHandled, namesField, userField, withValueAt } from './hostile';

describe('the hostile-input harness', () => {
  it('replaces nested values without touching the original', () => {
    const valid = { a: { b: [{ c: 1 }] }, d: 2 };
    const changed = withValueAt(valid, 'a.b.0.c', 'x');
    expect(changed).toEqual({ a: { b: [{ c: 'x' }] }, d: 2 });
    expect(valid.a.b[0].c).toBe(1);
  });

  it('matches the field as the user wrote it', () => {
    expect(userField('containers.0.name')).toBe('containers[0].name');
    expect(namesField('readOnly', 'readOnly')).toBe(true);
    expect(namesField('resources.cpu.limit', 'resources.cpu')).toBe(true);
    expect(namesField('terminationGracePeriod (seconds)', 'terminationGracePeriod')).toBe(true);
    expect(namesField('auth', 'readOnly')).toBe(false);
    expect(namesField('readOnlyRootFilesystem', 'readOnly')).toBe(false);
  });

  // The harness must fail for each way a construct can mishandle a prop, or it proves nothing.
  const subject = (build: (chart: Chart, props: { on?: unknown }) => void) => ({
    name: 'probe',
    valid: { on: true } as { on?: unknown },
    paths: ['on'],
    build,
  });

  it('fails a construct that reads a boolean by truthiness', () => {
    const truthy = subject((chart, props) => {
      new ApiObject(chart, 'cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm' },
        data: { on: props.on as any },
      });
    });
    expect(() => assertHostileInputHandled(truthy)).toThrow(/synthesized invalid objects/);
  });

  it('fails a construct that throws a TypeError or blames another field', () => {
    const typeError = subject((_chart, props) => {
      if (props.on !== true && props.on !== false) (props.on as any).call();
    });
    expect(() => assertHostileInputHandled(typeError)).toThrow(/threw TypeError/);
    const wrongField = subject((chart, props) => {
      if (typeof props.on !== 'boolean') invalid(chart, 'auth', props.on, 'a boolean');
    });
    expect(() => assertHostileInputHandled(wrongField)).toThrow(/names auth, not on/);
  });

  it('fails a construct that renders a value only the API server would refuse', () => {
    // The schema takes any string as a Service name; the API server wants a DNS-1035 label.
    const unchecked = {
      name: 'probe',
      valid: { name: 'db' } as { name?: unknown },
      paths: ['name'],
      build: (chart: Chart, props: { name?: unknown }) => {
        new ApiObject(chart, 'svc', {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: typeof props.name === 'string' && props.name !== '' ? props.name : 'db' },
          spec: { ports: [{ port: 80 }] },
        });
      },
    };
    expect(() => assertHostileInputHandled(unchecked)).toThrow(/metadata\.name: .* is not a DNS-1035 label/);
  });

  it('passes a construct that checks the prop', () => {
    const checked = subject((chart, props) => {
      if (typeof props.on !== 'boolean') invalid(chart, 'on', props.on, 'a boolean');
    });
    expect(() => assertHostileInputHandled(checked)).not.toThrow();
  });
});
