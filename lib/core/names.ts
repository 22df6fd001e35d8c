import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isPlainRecord } from './types';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kubernetes object names that must be DNS-1123 labels (Services, Namespaces, StatefulSet pods). */
export function checkDnsLabel(scope: IConstruct | string, field: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !DNS_LABEL.test(value)) {
    invalid(
      scope,
      field,
      value,
      `a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
    );
  }
  return value;
}

/** Kubernetes object names that may be DNS-1123 subdomains (most kinds: ConfigMaps, Secrets, classes, claims). */
export function checkDnsSubdomain(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    invalid(
      scope,
      field,
      value,
      "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
    );
  }
  return value;
}

/** Label and annotation keys: an optional DNS subdomain prefix and a name of at most 63 characters. */
export function checkLabelKey(scope: IConstruct | string, field: string, key: string): string {
  if (typeof key !== 'string') invalid(scope, field, key, 'a label key (a string)');
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    invalid(
      scope,
      field,
      key,
      "a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
    );
  }
  return key;
}

/** Label values: at most 63 characters of letters, digits, '-', '_' and '.', alphanumeric at both ends. */
export function checkLabelValue(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    invalid(
      scope,
      field,
      value,
      "a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    );
  }
  return value;
}

/** Checks every key and value of a label map. */
export function checkLabels(
  scope: IConstruct | string,
  field: string,
  labels: Record<string, string> | undefined,
): Record<string, string> {
  // A string or an array would otherwise be read index by index ({"0": "a", ...}).
  const plain = isPlainRecord(labels);
  if (labels !== undefined && !plain) {
    invalid(scope, field, labels, 'a record of label keys to label values, e.g. { team: "payments" }');
  }
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkLabelKey(scope, `${field} key`, key);
    checkLabelValue(scope, `${field}[${JSON.stringify(key)}]`, value);
  }
  return { ...(labels ?? {}) };
}

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
    invalid(
      scope,
      field,
      value,
      "a Secret or ConfigMap key: at most 253 letters, digits, '-', '_' or '.', and not '.' or '..'",
    );
  }
  return value;
}
