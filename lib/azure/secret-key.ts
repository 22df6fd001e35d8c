import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/**
 * The one rule for a key of a Secret (or ConfigMap) as the API server checks it: at most 253 of
 * `[-._a-zA-Z0-9]`, and not `.` or `..`, which it refuses because a key becomes a file name when
 * the Secret is mounted. (A Kubernetes rule that belongs in lib/core; kept here until core takes it.)
 */
export function checkSecretKey(scope: IConstruct | string, field: string, key: string): string {
  if (typeof key !== 'string' || !SECRET_KEY.test(key) || key === '.' || key === '..') {
    invalid(scope, field, key, "a Secret key: at most 253 letters, digits, '-', '_' or '.', and not '.' or '..'");
  }
  return key;
}
