import { describe, expect, it } from 'vitest';
import { Duration, Testing } from 'cdk8s';
import { enableStatefulPolicies, setTargetCluster, statefulPolicyProblems } from '../../lib';
import { AksStatefulValidationError } from '../../lib/core/errors';
import {
  checkArray,
  checkBoolean,
  checkConstruct,
  checkInstance,
  checkOptionalBoolean,
  checkPort,
  checkRecord,
  checkSecurityId,
  checkSingleLine,
  checkString,
  checkStringArray,
  checkStringRecord,
} from '../../lib/core/types';

function fails(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AksStatefulValidationError);
    expect((e as AksStatefulValidationError).field).toBe(field);
    return;
  }
  throw new Error(`expected a validation error naming ${field}`);
}

describe('run-time type checks', () => {
  it('booleans are never read by truthiness', () => {
    expect(checkBoolean('p', 'on', undefined, true)).toBe(true);
    expect(checkBoolean('p', 'on', false, true)).toBe(false);
    for (const bad of ['false', 'true', 0, 1, null, {}]) fails(() => checkBoolean('p', 'on', bad, false), 'on');
    expect(checkOptionalBoolean('p', 'on', undefined)).toBeUndefined();
    fails(() => checkOptionalBoolean('p', 'on', 'false'), 'on');
  });

  it('strings: empty refused by default, control characters refused on single lines', () => {
    expect(checkString('p', 's', 'a')).toBe('a');
    expect(checkString('p', 's', '', 0)).toBe('');
    for (const bad of ['', 1, null, ['a']]) fails(() => checkString('p', 's', bad), 's');
    fails(() => checkSingleLine('p', 'url', 'https://a\nb'), 'url');
    fails(() => checkSingleLine('p', 'url', 'a\u0000'), 'url');
    expect(checkSingleLine('p', 'url', 'https://a.example')).toBe('https://a.example');
  });

  it('arrays: a string is not an array of characters; items named by index', () => {
    fails(() => checkStringArray('p', 'cmd', 'consul leave'), 'cmd');
    fails(() => checkStringArray('p', 'cmd', ['consul', 3]), 'cmd[1]');
    expect(checkStringArray('p', 'cmd', ['consul', 'leave'])).toEqual(['consul', 'leave']);
    expect(checkArray('p', 'n', [1, 2], (_f, v) => Number(v) * 2)).toEqual([2, 4]);
  });

  it('records: plain objects only, string values checked by key', () => {
    for (const bad of ['abc', ['a'], null, new Date(0), 3]) fails(() => checkRecord('p', 'labels', bad), 'labels');
    expect(checkRecord('p', 'r', Object.create(null))).toEqual({});
    fails(() => checkStringRecord('p', 'env', { A: 1 }), 'env["A"]');
    expect(checkStringRecord('p', 'env', { A: 'x' })).toEqual({ A: 'x' });
  });

  it('instances: a string where an object is expected is refused', () => {
    expect(checkInstance('p', 'd', Duration.seconds(1), Duration, 'a Duration').toSeconds()).toBe(1);
    fails(() => checkInstance('p', 'serviceAccount', 'consul', Duration, 'a ServiceAccount'), 'serviceAccount');
  });

  it('ports and security ids have Kubernetes ranges', () => {
    expect(checkPort('p', 'port', 65535)).toBe(65535);
    for (const bad of [0, 65536, 1.5, '80', -1]) fails(() => checkPort('p', 'port', bad), 'port');
    expect(checkSecurityId('p', 'runAsUser', 0)).toBe(0);
    expect(checkSecurityId('p', 'runAsUser', 2147483647)).toBe(2147483647);
    for (const bad of [-1, 2147483648, 1.5, '999']) fails(() => checkSecurityId('p', 'runAsUser', bad), 'runAsUser');
  });
});

describe('construct arguments', () => {
  it('a name or a plain object where a construct is expected is a validation error naming the argument', () => {
    for (const bad of ['payments', { node: 1 }, null, undefined]) {
      expect(() => checkConstruct('f', 'scope', bad)).toThrow(AksStatefulValidationError);
      expect(() => setTargetCluster(bad as never, 'primary')).toThrow(
        /^setTargetCluster: scope .* is not allowed: a construct/,
      );
      expect(() => enableStatefulPolicies(bad as never)).toThrow(/^enableStatefulPolicies: scope .* is not allowed/);
      expect(() => statefulPolicyProblems(bad as never)).toThrow(/^statefulPolicyProblems: root .* is not allowed/);
    }
    expect(() => setTargetCluster(Testing.app(), 'Primary')).toThrow(
      /cluster "Primary" is not allowed: a DNS-1123 label/,
    );
  });
});
