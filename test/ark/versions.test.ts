import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VELERO_RELEASES } from '../../lib';
import { DEFAULT_VELERO_VERSION } from '../../lib/ark/versions';
import { REFERENCE_DIR } from '../support/crd-schemas';
import { install, synthInstall } from './fixtures';

/** Names of the CRDs of the reference Velero release (v1.18.1, config/crd of vmware-tanzu/velero). */
function referenceCrdNames(): string[] {
  const dir = path.join(REFERENCE_DIR, 'velero-crds');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()))
    .filter((d) => d?.kind === 'CustomResourceDefinition')
    .map((d) => d.metadata.name)
    .sort();
}

describe('Velero releases', () => {
  it('pairs Velero 1.18 with the Azure plugin 1.14 only, newest first, default 1.18.1', () => {
    expect(DEFAULT_VELERO_VERSION).toBe('1.18.1');
    expect(VELERO_RELEASES.map((r) => r.velero)).toEqual(['1.18.1', '1.18.0']);
    for (const release of VELERO_RELEASES) expect(release.azurePlugins.every((p) => p.startsWith('1.14.'))).toBe(true);
  });

  it('lets the CRD job touch exactly the 13 CRDs of the reference release', () => {
    const names = referenceCrdNames();
    expect(names).toHaveLength(13);
    expect([...VELERO_RELEASES[0].crds].sort()).toEqual(names);
    const role = synthInstall().one('ClusterRole');
    expect([...role.rules[1].resourceNames].sort()).toEqual(names);
  });

  it('pins every image to the pair, never latest', () => {
    const { installation, objects } = synthInstall({ nodeAgent: true });
    expect(installation).toMatchObject({
      veleroImage: 'velero/velero:v1.18.1',
      azurePluginImage: 'velero/velero-plugin-for-microsoft-azure:v1.14.0',
      kubectlImage: 'registry.k8s.io/kubectl:v1.33.5',
    });
    const images = JSON.stringify(objects).match(/"image":"[^"]+"/g) ?? [];
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const image of images) expect(image).toMatch(/:v\d+\.\d+\.\d+"$/);
  });

  it('names the CRD job after the version, so an upgrade runs a new job', () => {
    expect(install({ veleroVersion: '1.18.0' }).installation.crdInstaller.jobName).toBe('velero-install-crds-v1-18-0');
  });
});
