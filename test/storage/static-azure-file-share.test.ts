import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { StaticAzureFileShare, StaticAzureFileShareProps, StorageSize, listAzureRequirements } from '../../lib';
import { synthValid } from '../support/validate-manifests';
import { only, rejected } from '../support/expectations';

const SHARE: StaticAzureFileShareProps = { storageAccount: 'teamfiles01', shareName: 'reports', size: '100Gi' };

/** One share in a chart of namespace `apps`, synthesized and validated. */
function synthShare(props: Partial<StaticAzureFileShareProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'apps' });
  const share = new StaticAzureFileShare(chart, 'share', { ...SHARE, ...props });
  const objects = synthValid(chart);
  return { app, share, objects, pv: only(objects, 'PersistentVolume'), pvc: only(objects, 'PersistentVolumeClaim') };
}

/** Builds a share at path `test/share` (for the bad-input cases). */
function build(props: Partial<StaticAzureFileShareProps>, chart: Chart = Testing.chart()) {
  return () => new StaticAzureFileShare(chart, 'share', { ...SHARE, ...props });
}

/** Every string in the manifests that looks like a credential (an account key, a password, a connection string). */
function credentialLikeValues(value: unknown): string[] {
  if (typeof value === 'string') {
    return /AccountKey=|password|^[A-Za-z0-9+/]{40,}={0,2}$/i.test(value) ? [value] : [];
  }
  if (Array.isArray(value)) return value.flatMap(credentialLikeValues);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => [
      ...(['data', 'stringData'].includes(key) ? [`${key}: ${JSON.stringify(v)}`] : []),
      ...credentialLikeValues(v),
    ]);
  }
  return [];
}

describe('StaticAzureFileShare', () => {
  it('renders a retained CSI volume reserved for its claim, with node-stage credentials from a Secret', () => {
    const { share, pv } = synthShare();
    expect(pv.metadata.name).toBe(share.volumeName);
    // Cluster-scoped: no namespace even though the chart has one.
    expect(pv.metadata.namespace).toBeUndefined();
    expect(pv.spec.capacity).toEqual({ storage: '100Gi' });
    expect(pv.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec.storageClassName).toBe('');
    expect(pv.spec.claimRef).toEqual({ namespace: 'apps', name: share.claimName });
    expect(pv.spec.mountOptions).toEqual([
      'dir_mode=0777',
      'file_mode=0777',
      'uid=0',
      'gid=0',
      'mfsymlinks',
      'cache=strict',
      'actimeo=30',
      'nosharesock',
      'nobrl',
      'nouser_xattr',
    ]);
    expect(pv.spec.csi.driver).toBe('file.csi.azure.com');
    expect(pv.spec.csi.volumeHandle).toContain('teamfiles01');
    expect(pv.spec.csi.volumeHandle).toContain('reports');
    expect(pv.spec.csi.volumeAttributes).toMatchObject({ shareName: 'reports' });
    expect(pv.spec.csi.volumeAttributes.resourceGroup).toBeUndefined();
    expect(pv.spec.csi.nodeStageSecretRef).toEqual({ name: 'azure-storage-teamfiles01', namespace: 'apps' });
    expect(pv.spec.csi.readOnly).toBe(false);
  });

  it('renders a claim bound to exactly that volume, bypassing the default storage class', () => {
    const { share, pv, pvc, objects } = synthShare();
    expect(objects).toHaveLength(2);
    expect(pvc.metadata).toEqual({ name: share.claimName, namespace: 'apps' });
    expect(pvc.spec).toEqual({
      storageClassName: '',
      volumeName: pv.metadata.name,
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '100Gi' } },
    });
    expect(share).toMatchObject({ namespace: 'apps', secretName: 'azure-storage-teamfiles01' });
    expect(share.size.equals(StorageSize.gibibytes(100))).toBe(true);
  });

  it('declares the storage account, the share with its quota and the Secret the volume needs', () => {
    const { app } = synthShare({ size: '1Ti' });
    expect(listAzureRequirements(app)).toEqual([
      { kind: 'storageAccount', account: 'teamfiles01', key: 'storageAccount:teamfiles01', declaredBy: ['test/share'] },
      {
        kind: 'fileShare',
        account: 'teamfiles01',
        share: 'reports',
        quotaGiB: 1024,
        protocol: 'SMB',
        key: 'fileShare:teamfiles01/reports',
        declaredBy: ['test/share'],
      },
      {
        kind: 'kubernetesSecret',
        namespace: 'apps',
        name: 'azure-storage-teamfiles01',
        keys: {
          azurestorageaccountname: { from: 'storageAccountName', account: 'teamfiles01' },
          azurestorageaccountkey: { from: 'storageAccountKey', account: 'teamfiles01' },
        },
        key: 'kubernetesSecret:apps/azure-storage-teamfiles01',
        declaredBy: ['test/share'],
      },
    ]);
  });

  it('puts no Secret, key or password into the manifests', () => {
    const { objects } = synthShare({ secretName: 'files-credentials' });
    expect(objects.map((o) => o.kind).sort()).toEqual(['PersistentVolume', 'PersistentVolumeClaim']);
    expect(credentialLikeValues(objects)).toEqual([]);
  });

  it('uses the default namespace for claimRef, Secret reference and Secret requirement in a chart without one', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const share = new StaticAzureFileShare(chart, 'share', SHARE);
    const pv = only(synthValid(chart), 'PersistentVolume');
    expect(share.namespace).toBe('default');
    expect(pv.spec.claimRef.namespace).toBe('default');
    expect(pv.spec.csi.nodeStageSecretRef.namespace).toBe('default');
    expect(listAzureRequirements(app).find((r) => r.kind === 'kubernetesSecret')?.key).toBe(
      'kubernetesSecret:default/azure-storage-teamfiles01',
    );
  });

  it('gives two volumes on one share distinct handles, and declares the shared share and Secret once', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'apps' });
    const a = new StaticAzureFileShare(chart, 'a', SHARE);
    const b = new StaticAzureFileShare(chart, 'b', SHARE);
    const other = new Chart(app, 'other', { namespace: 'reports' });
    const c = new StaticAzureFileShare(other, 'c', SHARE);
    const handles = [chart, other]
      .flatMap((ch) => synthValid(ch))
      .filter((o) => o.kind === 'PersistentVolume')
      .map((pv) => pv.spec.csi.volumeHandle);
    expect(handles).toHaveLength(3);
    expect(new Set(handles).size).toBe(3);
    expect(new Set([a.volumeName, b.volumeName, c.volumeName]).size).toBe(3);
    const requirements = listAzureRequirements(app);
    expect(requirements.filter((r) => r.kind === 'fileShare')).toHaveLength(1);
    expect(requirements.filter((r) => r.kind === 'kubernetesSecret').map((r) => r.key)).toEqual([
      'kubernetesSecret:apps/azure-storage-teamfiles01',
      'kubernetesSecret:reports/azure-storage-teamfiles01',
    ]);
  });

  it('renders every option', () => {
    const props: Required<StaticAzureFileShareProps> = {
      storageAccount: 'teamfiles01',
      shareName: 'monthly-reports',
      size: StorageSize.gibibytes(250),
      resourceGroup: 'rg-files',
      claimName: 'reports',
      secretName: 'files-credentials',
      accessMode: 'ReadOnlyMany',
      readOnly: true,
      smb: { uid: 1000, gid: 1000, dirMode: '0755', fileMode: '0644', actimeo: 10 },
      labels: { team: 'reports' },
      annotations: { 'example.com/owner': 'finance' },
    };
    const { app, share, pv, pvc } = synthShare(props);
    expect(share.claimName).toBe('reports');
    expect(share.apiObject).toBe(share.claim);
    for (const object of [pv, pvc]) {
      expect(object.metadata.labels).toEqual({ team: 'reports' });
      expect(object.metadata.annotations).toEqual({ 'example.com/owner': 'finance' });
    }
    expect(pvc.metadata.name).toBe('reports');
    expect(pvc.spec.accessModes).toEqual(['ReadOnlyMany']);
    expect(pvc.spec.resources.requests.storage).toBe('250Gi');
    expect(pv.spec.accessModes).toEqual(['ReadOnlyMany']);
    expect(pv.spec.capacity.storage).toBe('250Gi');
    expect(pv.spec.claimRef).toEqual({ namespace: 'apps', name: 'reports' });
    expect(pv.spec.csi.readOnly).toBe(true);
    expect(pv.spec.csi.volumeAttributes).toMatchObject({ shareName: 'monthly-reports', resourceGroup: 'rg-files' });
    expect(pv.spec.csi.volumeHandle).toContain('monthly-reports');
    expect(pv.spec.csi.nodeStageSecretRef).toEqual({ name: 'files-credentials', namespace: 'apps' });
    expect(pv.spec.mountOptions).toEqual([
      'dir_mode=0755',
      'file_mode=0644',
      'uid=1000',
      'gid=1000',
      'mfsymlinks',
      'cache=strict',
      'actimeo=10',
      'nosharesock',
      'nobrl',
      'nouser_xattr',
    ]);
    const requirements = listAzureRequirements(app);
    expect(requirements.find((r) => r.kind === 'fileShare')).toMatchObject({ share: 'monthly-reports', quotaGiB: 250 });
    expect(requirements.find((r) => r.kind === 'kubernetesSecret')).toMatchObject({
      namespace: 'apps',
      name: 'files-credentials',
    });
  });

  // The volume says where the account lives, so the account requirement must say the same; otherwise
  // `pulumi up` and the synth report would put (or list) the account in the stack's resource group.
  it('records the resource group on the storage account it requires', () => {
    const { app } = synthShare({ resourceGroup: 'rg-files' });
    expect(listAzureRequirements(app).filter((r) => r.kind === 'storageAccount')).toEqual([
      {
        kind: 'storageAccount',
        account: 'teamfiles01',
        resourceGroup: 'rg-files',
        key: 'storageAccount:teamfiles01',
        declaredBy: ['test/share'],
      },
    ]);
  });

  it('gives pods a volume for the claim, the same one every time', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const share = new StaticAzureFileShare(chart, 'share', SHARE);
    const pod = new kplus.Pod(chart, 'reader', { containers: [{ image: 'busybox:1.36', command: ['sleep', '3600'] }] });
    pod.containers[0].mount('/reports', share.toVolume());
    expect(share.toVolume()).toBe(share.toVolume());
    const rendered = only(synthValid(chart), 'Pod');
    expect(rendered.spec.volumes).toHaveLength(1);
    expect(rendered.spec.volumes[0].persistentVolumeClaim.claimName).toBe(share.claimName);
    expect(rendered.spec.containers[0].volumeMounts).toEqual([
      { name: rendered.spec.volumes[0].name, mountPath: '/reports' },
    ]);
  });

  describe('bad input', () => {
    it.each(['My-Account', 'ab', 'a'.repeat(25), 'team_files'])('rejects the storage account name %j', (account) => {
      expect(build({ storageAccount: account })).toThrow(
        rejected(
          'test/share',
          'storageAccount',
          JSON.stringify(account),
          'a storage account name: 3 to 24 lowercase letters and digits',
        ),
      );
    });

    it.each(['Reports', 'ab', 'monthly--reports', '-reports', 'reports-', 'a'.repeat(64), 'monthly_reports'])(
      'rejects the share name %j',
      (name) => {
        expect(build({ shareName: name })).toThrow(
          rejected(
            'test/share',
            'shareName',
            JSON.stringify(name),
            'a file share name: 3 to 63 lowercase letters, digits and single hyphens',
          ),
        );
      },
    );

    it.each(['rg.', 'rg with spaces', 'a'.repeat(91), 'rg/files'])('rejects the resource group name %j', (group) => {
      expect(build({ resourceGroup: group })).toThrow(
        rejected('test/share', 'resourceGroup', JSON.stringify(group), 'a resource group name'),
      );
    });

    it.each(['10 GB', '10G', '10GB', '0Gi', '-1Gi', '1.5Gi', ''])('rejects the size %j', (size) => {
      expect(build({ size })).toThrow(
        rejected('test/share', 'size', JSON.stringify(size), 'a positive whole number with a binary unit'),
      );
    });

    it.each(['1536Mi', '512Mi', '1048577Ki'])('rejects %s: share quotas are whole GiB', (size) => {
      expect(build({ size })).toThrow(
        rejected('test/share', 'size', JSON.stringify(size), 'a whole number of GiB: share quotas are set in GiB'),
      );
      expect(build({ size: StorageSize.from(size, 'x', 'size') })).toThrow(
        rejected('test/share', 'size', JSON.stringify(size), 'a whole number of GiB'),
      );
    });

    it('rejects a share larger than Azure allows (100 TiB)', () => {
      expect(build({ size: '102400Gi' })).not.toThrow();
      expect(build({ size: '102401Gi' })).toThrow(
        rejected('test/share', 'share quota (GiB)', '102401', 'a whole number of GiB from 1 to 102400'),
      );
    });

    it('rejects a bad access mode, claim name, Secret name and SMB setting', () => {
      expect(build({ accessMode: 'ReadWriteAll' as never })).toThrow(
        rejected(
          'test/share',
          'accessMode',
          '"ReadWriteAll"',
          'one of ReadWriteOnce, ReadWriteOncePod, ReadOnlyMany, ReadWriteMany',
        ),
      );
      expect(build({ claimName: 'Reports' })).toThrow(
        rejected('test/share', 'claimName', '"Reports"', 'a DNS-1123 subdomain'),
      );
      expect(build({ secretName: 'files_credentials' })).toThrow(
        rejected('test/share', 'secretName', '"files_credentials"', 'a DNS-1123 subdomain'),
      );
      expect(build({ smb: { dirMode: '755' } })).toThrow(
        rejected('test/share', 'smb.dirMode', '"755"', "an octal mode like '0755'"),
      );
      expect(build({ smb: { gid: -5 } })).toThrow(
        rejected('test/share', 'smb.gid', '-5', 'a whole number from 0 to 2147483647'),
      );
    });

    it('rejects a chart namespace that is not a DNS label', () => {
      const chart = new Chart(new App(), 'test', { namespace: 'Team_A' });
      expect(build({}, chart)).toThrow(rejected('test/share', 'namespace', '"Team_A"', 'a DNS-1123 label'));
    });

    it('rejects two declarations of one share with different quotas when the requirements are listed', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'test', { namespace: 'apps' });
      new StaticAzureFileShare(chart, 'a', { ...SHARE, size: '100Gi' });
      new StaticAzureFileShare(chart, 'b', { ...SHARE, size: '200Gi' });
      expect(() => listAzureRequirements(app)).toThrow(
        rejected(
          'test/b',
          'quotaGiB of fileShare:teamfiles01/reports',
          '200',
          'the same value as declared by test/a (100)',
        ),
      );
    });
  });
});
