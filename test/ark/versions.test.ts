import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VELERO_RELEASES } from '../../lib';
import { REFERENCE_DIR } from '../support/crd-schemas';
import { install, rejected, synthInstall } from './fixtures';

/** Names of the CRDs of the reference Velero release (config/crd of vmware-tanzu/velero). */
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

/** Numeric compare of dotted versions, newest first. */
const newerFirst = (a: string, b: string) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
};

// These tests read the version table instead of copying it: they fail when the table and what is
// rendered disagree, not when a release is added.
describe('Velero releases', () => {
  it('installs the newest release of the table and its newest plugin when no version is given', () => {
    const versions = VELERO_RELEASES.map((r) => r.velero);
    expect([...versions].sort(newerFirst)).toEqual(versions);
    const newest = VELERO_RELEASES[0];
    expect([...newest.azurePlugins].sort(newerFirst)).toEqual(newest.azurePlugins);
    const { installation } = install();
    expect(installation.veleroImage).toBe(`velero/velero:v${newest.velero}`);
    expect(installation.azurePluginImage).toBe(`velero/velero-plugin-for-microsoft-azure:v${newest.azurePlugins[0]}`);
  });

  it('renders each release of the table with its own tags and CRD job, and refuses a plugin of no release', () => {
    for (const release of VELERO_RELEASES) {
      for (const plugin of release.azurePlugins) {
        const { installation, objects } = synthInstall({ veleroVersion: release.velero, azurePluginVersion: plugin });
        const images = new Set(JSON.stringify(objects).match(/"image":"[^"]+"/g));
        expect(images).toContain(`"image":"velero/velero:v${release.velero}"`);
        expect(images).toContain(`"image":"velero/velero-plugin-for-microsoft-azure:v${plugin}"`);
        expect(installation.crdInstaller.jobName).toBe(`velero-install-crds-v${release.velero.replace(/\./g, '-')}`);
      }
      expect(() => install({ veleroVersion: release.velero, azurePluginVersion: '0.0.1' })).toThrow(
        rejected('test/velero', 'azurePluginVersion', '"0.0.1"', `paired with Velero ${release.velero}`),
      );
    }
  });

  it('lets the CRD job of every release touch exactly the CRDs of the reference release', () => {
    const names = referenceCrdNames();
    for (const release of VELERO_RELEASES) {
      const role = synthInstall({ veleroVersion: release.velero }).one('ClusterRole');
      expect([...role.rules[1].resourceNames].sort(), release.velero).toEqual(names);
    }
  });

  it('pins every image to a release tag, never latest', () => {
    const { installation, objects } = synthInstall({ nodeAgent: true });
    const images = new Set((JSON.stringify(objects).match(/"image":"[^"]+"/g) ?? []).map((i) => i.slice(9, -1)));
    // Server, plugin init container, kubectl wait, CRD job and node agent use only the three images.
    expect([...images].sort()).toEqual(
      [installation.veleroImage, installation.azurePluginImage, installation.kubectlImage].sort(),
    );
    for (const image of images) expect(image).toMatch(/:v\d+\.\d+\.\d+$/);
  });

  it('names the CRD job after the version, so an upgrade runs a new job', () => {
    const [a, b] = VELERO_RELEASES;
    const jobOf = (v: string) => install({ veleroVersion: v }).installation.crdInstaller.jobName;
    expect(jobOf(a.velero)).not.toBe(jobOf(b.velero));
    expect(jobOf(b.velero)).toMatch(/^velero-install-crds-v\d+-\d+-\d+$/);
  });
});
