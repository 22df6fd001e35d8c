import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

// Name rules of the API server that lib/core/names.ts does not have yet (candidates to move there).

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A Service name: a DNS-1035 label (unlike most names it must start with a letter), at most `maxLength` characters. */
export function checkServiceName(scope: IConstruct | string, field: string, value: unknown, maxLength = 63): string {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_1035_LABEL.test(value)) {
    invalid(
      scope,
      field,
      value,
      `a DNS-1035 label (it names a Service): lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${maxLength} characters`,
    );
  }
  return value;
}

/** A container port name (IANA service name): at most 15 lowercase letters, digits and '-', with a letter, no '--'. */
export function checkPortName(scope: IConstruct | string, field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > 15 ||
    !PORT_NAME.test(value) ||
    value.includes('--') ||
    !/[a-z]/.test(value)
  ) {
    invalid(
      scope,
      field,
      value,
      "a port name: at most 15 lowercase letters, digits and '-', with at least one letter, no '--', not starting or ending with '-'",
    );
  }
  return value;
}

/** A key of a Secret or ConfigMap: letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..'. */
export function checkDataKey(scope: IConstruct | string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 253 || !SECRET_KEY.test(value) || value === '.' || value === '..') {
    invalid(scope, field, value, "a Secret or ConfigMap key: letters, digits, '-', '_' or '.', not '.' or '..'");
  }
  return value;
}
