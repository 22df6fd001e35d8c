import { IConstruct } from 'constructs';
import { invalid } from './errors';

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
  if (labels !== undefined && (labels === null || typeof labels !== 'object' || Array.isArray(labels))) {
    invalid(scope, field, labels, 'a record of label keys to label values, e.g. { team: "payments" }');
  }
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkLabelKey(scope, `${field} key`, key);
    checkLabelValue(scope, `${field}[${JSON.stringify(key)}]`, value);
  }
  return { ...(labels ?? {}) };
}
