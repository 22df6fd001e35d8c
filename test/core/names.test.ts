import { describe, expect, it } from 'vitest';
import {
  checkArmResourceId,
  checkBlobContainerName,
  checkFileShareName,
  checkStorageAccountName,
  checkZone,
  checkZones,
  renderAzureTags,
} from '../../lib/azure/names';
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabels } from '../../lib/core/names';

describe('Kubernetes names', () => {
  it('accepts DNS labels and subdomains and rejects the rest', () => {
    expect(checkDnsLabel('p', 'name', 'web-0')).toBe('web-0');
    expect(checkDnsSubdomain('p', 'name', 'a.b-c')).toBe('a.b-c');
    expect(() => checkDnsLabel('p', 'name', 'Web')).toThrow(/^p: name "Web" is not allowed: a DNS-1123 label/);
    expect(() => checkDnsLabel('p', 'name', 'a.b')).toThrow(/DNS-1123 label/);
    expect(() => checkDnsLabel('p', 'name', 'a'.repeat(64))).toThrow(/at most 63/);
    expect(() => checkDnsSubdomain('p', 'name', '-x')).toThrow(/DNS-1123 subdomain/);
  });

  it('checks label keys and values', () => {
    expect(checkLabels('p', 'labels', { 'app.kubernetes.io/name': 'db', tier: '' })).toEqual({
      'app.kubernetes.io/name': 'db',
      tier: '',
    });
    expect(() => checkLabels('p', 'labels', { 'bad key': 'x' })).toThrow(
      /^p: labels key "bad key" is not allowed: a label key/,
    );
    expect(() => checkLabels('p', 'labels', { app: 'has space' })).toThrow(
      /^p: labels\["app"\] "has space" is not allowed: a label value/,
    );
  });
});

describe('Azure names', () => {
  it('storage accounts are 3-24 lowercase letters and digits', () => {
    expect(checkStorageAccountName('p', 'account', 'abc123')).toBe('abc123');
    for (const bad of ['ab', 'a'.repeat(25), 'Abc', 'ab-c', 'ab_c']) {
      expect(() => checkStorageAccountName('p', 'account', bad)).toThrow(/3 to 24 lowercase letters and digits/);
    }
  });

  it('containers and shares are 3-63 characters with single hyphens', () => {
    expect(checkBlobContainerName('p', 'c', 'pg-dumps')).toBe('pg-dumps');
    expect(checkFileShareName('p', 's', 'abc')).toBe('abc');
    for (const bad of ['ab', 'a--b', '-ab', 'ab-', 'Abc', 'a'.repeat(64)]) {
      expect(() => checkBlobContainerName('p', 'c', bad)).toThrow(/blob container name/);
      expect(() => checkFileShareName('p', 's', bad)).toThrow(/file share name/);
    }
  });

  it('zones are <region>-<1|2|3>, unique, in one region', () => {
    expect(checkZone('p', 'zone', 'westeurope-1')).toBe('westeurope-1');
    for (const bad of ['westeurope', 'westeurope-4', '1', 'WestEurope-1', 'westeurope-01']) {
      expect(() => checkZone('p', 'zone', bad)).toThrow(/an AKS zone like "westeurope-1"/);
    }
    expect(() => checkZones('p', 'zones', [])).toThrow(/non-empty list/);
    expect(() => checkZones('p', 'zones', ['westeurope-1', 'westeurope-1'])).toThrow(/each zone once/);
    expect(() => checkZones('p', 'zones', ['westeurope-1', 'northeurope-2'])).toThrow(/a single region/);
    expect(() => checkZones('p', 'zones', ['westeurope-1', 'bad'])).toThrow(/^p: zones\[1\] "bad"/);
  });

  it('ARM ids must name the expected provider type', () => {
    const id =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des';
    expect(checkArmResourceId('p', 'id', id, 'Microsoft.Compute/diskEncryptionSets')).toBe(id);
    expect(() => checkArmResourceId('p', 'id', id, 'Microsoft.Compute/diskAccesses')).toThrow(
      /providers\/Microsoft.Compute\/diskAccesses/,
    );
    expect(() => checkArmResourceId('p', 'id', 'des', 'Microsoft.Compute/diskEncryptionSets')).toThrow(
      /an Azure resource id/,
    );
  });

  it('renders tags as k=v pairs and rejects separators inside them', () => {
    expect(renderAzureTags('p', 'tags', { env: 'prod', team: 'data' })).toBe('env=prod,team=data');
    expect(() => renderAzureTags('p', 'tags', { 'a,b': 'x' })).toThrow(/^p: tags key "a,b"/);
    expect(() => renderAzureTags('p', 'tags', { a: 'x=y' })).toThrow(/^p: tags\["a"\] "x=y"/);
  });
});

describe('checkLabels from JavaScript', () => {
  it.each([['abc'], [['app']], [null], [42]])('refuses %j instead of a record', (labels) => {
    expect(() => checkLabels('test/x', 'labels', labels as never)).toThrow(
      /^test\/x: labels .* is not allowed: a record of label keys to label values/,
    );
  });
});

describe('label maps and keys are checked by type', () => {
  it('a Date, a string or an array is not a label map; a non-string key is not a key', () => {
    for (const bad of [new Date(0), 'abc', ['a'], null]) {
      expect(() => checkLabels('p', 'labels', bad as never)).toThrow(
        /^p: labels .* is not allowed: a record of label keys/,
      );
    }
    expect(() => checkLabelKey('p', 'labels key', ['app'] as never)).toThrow(/^p: labels key \["app"\] is not allowed/);
  });
});
