import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArkInstallation, ArkInstallationProps, VeleroInstallation, listAzureRequirements } from '../../lib';
import { CLIENT_ID_SET_AT_DEPLOY } from '../../lib/azure/requirements';
import { synthValid } from '../support/validate-manifests';
import {
  ACCOUNT_KEY,
  BASE,
  CLIENT,
  NODE_RG,
  SERVICE_PRINCIPAL,
  STORAGE,
  SUBSCRIPTION,
  TENANT,
  WORKLOAD_IDENTITY,
  install,
  rejected,
  synthInstall,
  NEWEST,
  OTHER,
  KUBECTL_IMAGE_TAG,
} from './fixtures';

const psa = (level: string) => ({
  'pod-security.kubernetes.io/enforce': level,
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': level,
  'pod-security.kubernetes.io/audit-version': 'latest',
  'pod-security.kubernetes.io/warn': level,
  'pod-security.kubernetes.io/warn-version': 'latest',
});

const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 1002,
  runAsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};

const LINUX_AFFINITY = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'NotIn', values: ['windows'] }] }],
    },
  },
};

const CREDENTIALS_VOLUME = {
  name: 'cloud-credentials',
  secret: { secretName: 'cloud-credentials', defaultMode: 0o444 },
};
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;
const DIGEST_C = `sha256:${'c'.repeat(64)}`;
const CREDENTIALS_MOUNT = { name: 'cloud-credentials', mountPath: '/credentials', readOnly: true };

describe(`ArkInstallation (Velero ${NEWEST.velero} with the Azure plugin)`, () => {
  it('renders the namespace, RBAC, CRD job, server and default location in apply order', () => {
    const { objects } = synthInstall();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/velero',
      'Role/velero-install-crds-wait',
      'ServiceAccount/velero',
      'ClusterRoleBinding/velero',
      'RoleBinding/velero-install-crds-wait',
      'ServiceAccount/velero-install-crds',
      'ClusterRole/velero-install-crds',
      'ClusterRoleBinding/velero-install-crds',
      `Job/velero-install-crds-v${NEWEST.job}`,
      'Deployment/velero',
      'BackupStorageLocation/default',
    ]);
    // Nothing secret is ever rendered: the credentials Secret is only referenced.
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(JSON.stringify(objects)).not.toMatch(/AZURE_CLIENT_SECRET|AccountKey=/);
  });

  it('labels the namespace Pod Security restricted without the node agent, and binds the service account to cluster-admin', () => {
    const { one } = synthInstall();
    expect(one('Namespace').metadata).toEqual({
      name: 'velero',
      labels: { component: 'velero', ...psa('restricted') },
    });
    expect(one('ServiceAccount', 'velero').metadata).toEqual({
      name: 'velero',
      namespace: 'velero',
      labels: { component: 'velero' },
      annotations: { 'azure.workload.identity/client-id': CLIENT },
    });
    const crb = one('ClusterRoleBinding', 'velero');
    expect(crb.metadata.namespace).toBeUndefined();
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'velero', namespace: 'velero' }]);
  });

  it("installs the CRDs with the Velero image's own `install --crds-only --apply`, with rights on Velero's CRDs only", () => {
    const { one, installation } = synthInstall();
    const job = one('Job');
    expect(job.metadata).toMatchObject({ name: `velero-install-crds-v${NEWEST.job}`, namespace: 'velero' });
    expect(job.spec.backoffLimit).toBe(3);
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('velero-install-crds');
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.containers).toEqual([
      {
        name: 'velero',
        image: `velero/velero:v${NEWEST.velero}`,
        imagePullPolicy: 'IfNotPresent',
        command: ['/velero'],
        args: ['install', '--crds-only', '--apply'],
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        securityContext: RESTRICTED_CONTAINER,
      },
    ]);
    expect(pod.securityContext).toEqual(RESTRICTED_POD);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    // Same image, same tag as the server: the CRDs match the server's version exactly.
    expect(pod.containers[0].image).toBe(installation.veleroImage);
    const role = one('ClusterRole');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['create', 'list'] },
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['get', 'patch', 'update'],
        resourceNames: expect.arrayContaining(['backups.velero.io', 'schedules.velero.io', 'datauploads.velero.io']),
      },
    ]);
    expect(role.rules[1].resourceNames).toHaveLength(13);
    expect(one('ClusterRoleBinding', 'velero-install-crds').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'velero-install-crds', namespace: 'velero' },
    ]);
    // The server's service account may read that one Job, nothing else.
    expect(one('Role').rules).toEqual([
      {
        apiGroups: ['batch'],
        resources: ['jobs'],
        resourceNames: [`velero-install-crds-v${NEWEST.job}`],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    expect(one('RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'velero', namespace: 'velero' }]);
  });

  it('renders the server as pkg/install/deployment.go does, waiting for the CRD job first', () => {
    const deployment = synthInstall().one('Deployment');
    expect(deployment.metadata).toEqual({ name: 'velero', namespace: 'velero', labels: { component: 'velero' } });
    expect(deployment.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { deploy: 'velero' } },
    });
    expect(deployment.spec.template.metadata).toEqual({
      labels: { component: 'velero', deploy: 'velero', 'azure.workload.identity/use': 'true' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8085', 'prometheus.io/path': '/metrics' },
    });
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Always',
      serviceAccountName: 'velero',
      os: { name: 'linux' },
      affinity: LINUX_AFFINITY,
      securityContext: RESTRICTED_POD,
    });
    expect(pod.initContainers).toEqual([
      {
        name: 'wait-for-crds',
        image: `registry.k8s.io/kubectl:${KUBECTL_IMAGE_TAG}`,
        imagePullPolicy: 'IfNotPresent',
        command: ['kubectl'],
        args: [
          'wait',
          '--for=condition=complete',
          `job/velero-install-crds-v${NEWEST.job}`,
          '--namespace=velero',
          '--timeout=10m',
          '--cache-dir=/tmp/.kube/cache',
        ],
        volumeMounts: [{ name: 'kubectl-tmp', mountPath: '/tmp' }],
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 65532, runAsGroup: 65532 },
      },
      {
        name: 'velero-velero-plugin-for-microsoft-azure',
        image: `velero/velero-plugin-for-microsoft-azure:v${NEWEST.plugin}`,
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ name: 'plugins', mountPath: '/target' }],
        securityContext: RESTRICTED_CONTAINER,
      },
    ]);
    const probe = {
      httpGet: { path: '/metrics', port: 'metrics', scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 30,
      timeoutSeconds: 5,
      successThreshold: 1,
      failureThreshold: 5,
    };
    expect(pod.containers).toEqual([
      {
        name: 'velero',
        image: `velero/velero:v${NEWEST.velero}`,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'metrics', containerPort: 8085 }],
        command: ['/velero'],
        args: ['server', '--uploader-type=kopia'],
        volumeMounts: [
          { name: 'plugins', mountPath: '/plugins' },
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'udmrepo', mountPath: '/home/cnb/udmrepo' },
          { name: 'cache', mountPath: '/home/cnb/.cache' },
          CREDENTIALS_MOUNT,
        ],
        securityContext: RESTRICTED_CONTAINER,
        env: [
          { name: 'VELERO_SCRATCH_DIR', value: '/scratch' },
          { name: 'VELERO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'LD_LIBRARY_PATH', value: '/plugins' },
          { name: 'AZURE_CREDENTIALS_FILE', value: '/credentials/cloud' },
        ],
        resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
        livenessProbe: probe,
        readinessProbe: probe,
      },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'plugins', emptyDir: {} },
      { name: 'scratch', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      { name: 'udmrepo', emptyDir: {} },
      { name: 'cache', emptyDir: {} },
      { name: 'kubectl-tmp', emptyDir: {} },
      CREDENTIALS_VOLUME,
    ]);
  });

  it('renders the default BackupStorageLocation with workload identity config (useAAD and the blob endpoint)', () => {
    const { one, installation } = synthInstall();
    const bsl = one('BackupStorageLocation');
    expect(bsl.metadata).toEqual({
      name: 'default',
      namespace: 'velero',
      labels: { component: 'velero', 'aks-stateful.io/needs-crds': 'velero.io' },
    });
    expect(bsl.spec).toEqual({
      provider: 'azure',
      objectStorage: { bucket: 'velero' },
      config: {
        resourceGroup: 'rg-backups',
        storageAccount: 'aksvelero01',
        useAAD: 'true',
        storageAccountURI: 'https://aksvelero01.blob.core.windows.net',
      },
      accessMode: 'ReadWrite',
      default: true,
    });
    expect(installation.backupStorageLocation.isDefault).toBe(true);
    expect(installation.defaultBackupStorageLocation).toBe(installation.backupStorageLocation);
  });

  it('declares the account, container, identity with its roles and the credentials Secret, never a value', () => {
    const { chart } = synthInstall();
    const list = listAzureRequirements(chart);
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:aksvelero01',
      'blobContainer:aksvelero01/velero',
      'workloadIdentity:velero/velero',
      'kubernetesSecret:velero/cloud-credentials',
    ]);
    expect(list[0]).toMatchObject({ resourceGroup: 'rg-backups', sku: 'Standard_GRS' });
    expect(list[1]).not.toHaveProperty('lifecycleRules');
    expect(list[2]).toMatchObject({
      identity: 'velero-prod',
      roles: [
        {
          role: 'Storage Blob Data Contributor',
          scope: { type: 'blobContainer', account: 'aksvelero01', container: 'velero' },
        },
        { role: 'Storage Blob Delegator', scope: { type: 'storageAccount', account: 'aksvelero01' } },
      ],
    });
    expect(list[3]).toMatchObject({
      keys: {
        // Velero's credentials file, composed by the deploy step: nothing in it is typed by the user.
        cloud: {
          from: 'dotenv',
          variables: {
            AZURE_SUBSCRIPTION_ID: { from: 'literal', value: SUBSCRIPTION },
            AZURE_RESOURCE_GROUP: { from: 'literal', value: NODE_RG },
            AZURE_CLOUD_NAME: { from: 'literal', value: 'AzurePublicCloud' },
          },
        },
      },
    });
  });

  it('puts the custom resources into a second chart when asked, so kubectl applies each file in one pass', () => {
    const app = Testing.app();
    const base = new Chart(app, 'velero-base');
    const resources = new Chart(app, 'velero-resources');
    const installation = new ArkInstallation(base, 'velero', {
      ...BASE,
      volumeSnapshots: { resourceGroup: 'rg-snapshots' },
      customResourcesScope: resources,
    });
    installation.addSchedule('daily', { schedule: '@daily', name: 'daily' });
    expect(installation.customResourcesScope).toBe(resources);
    const baseKinds = synthValid(base).map((o) => o.kind);
    const custom = synthValid(resources);
    expect(baseKinds).toEqual(expect.arrayContaining(['Deployment', 'Job']));
    expect(baseKinds.filter((k) => k.endsWith('Location') || k === 'Schedule')).toEqual([]);
    expect(custom.map((o) => o.kind).sort()).toEqual(['BackupStorageLocation', 'Schedule', 'VolumeSnapshotLocation']);
    expect(custom.every((o) => o.metadata.namespace === 'velero')).toBe(true);
    expect(listAzureRequirements(app).map((r) => r.key)).toContain('blobContainer:aksvelero01/velero');
  });

  it('is also exported as VeleroInstallation', () => {
    const chart = Testing.chart();
    expect(new VeleroInstallation(chart, 'velero', BASE)).toBeInstanceOf(ArkInstallation);
  });

  it('renders every option', () => {
    const props: Required<ArkInstallationProps> = {
      auth: { ...WORKLOAD_IDENTITY, tenantId: TENANT, cloudName: 'AzureUSGovernmentCloud' },
      backupStorage: {
        ...STORAGE,
        prefix: 'aks-prod',
        name: 'primary',
        storageAccountUri: 'https://aksvelero01.z12.blob.storage.azure.net',
        blockSizeInBytes: 4194304,
      },
      volumeSnapshots: {
        resourceGroup: 'rg-snapshots',
        incremental: false,
        tags: { backup: 'velero' },
        apiTimeout: '5m',
        name: 'disks',
      },
      nodeAgent: { privileged: true },
      readOnly: false,
      namespace: 'backup',
      createNamespace: false,
      veleroVersion: `v${OTHER.velero}`,
      azurePluginVersion: `v${OTHER.plugin}`,
      images: {
        velero: 'myacr.azurecr.io/velero/velero',
        azurePlugin: 'myacr.azurecr.io/velero/velero-plugin-for-microsoft-azure',
        kubectl: 'myacr.azurecr.io/kubectl',
      },
      imageDigests: { velero: DIGEST_A, azurePlugin: DIGEST_B, kubectl: DIGEST_C },
      labels: { team: 'platform', component: 'mine' },
      annotations: { owner: 'platform@example.com' },
      credentialsSecretName: 'velero-azure',
      serviceAccountName: 'velero-server',
      clusterRoleName: 'velero-restricted',
      defaultVolumesToFsBackup: true,
      resources: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '2', memoryLimit: '1Gi' },
      nodeAgentResources: { cpuRequest: '100m', memoryRequest: '512Mi', memoryLimit: '2Gi' },
      // A second chart is its own test below ("puts the custom resources into a second chart").
      customResourcesScope: undefined as never,
    };
    const { objects, one, installation } = synthInstall(props);
    expect(objects.some((o) => o.kind === 'Namespace')).toBe(false);
    expect(objects.every((o) => o.metadata.namespace === undefined || o.metadata.namespace === 'backup')).toBe(true);
    expect(one('ServiceAccount', 'velero-server').metadata.annotations).toEqual({
      owner: 'platform@example.com',
      'azure.workload.identity/client-id': CLIENT,
      'azure.workload.identity/tenant-id': TENANT,
    });
    // Outside the default namespace, cluster-scoped names carry it (as velero install does).
    const crb = one('ClusterRoleBinding', 'velero-backup');
    expect(crb.roleRef.name).toBe('velero-restricted');
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'velero-server', namespace: 'backup' }]);
    expect(one('ClusterRole').metadata.name).toBe('velero-backup-install-crds');
    expect(one('Job').metadata.name).toBe(`velero-install-crds-v${OTHER.job}`);
    expect(one('Job').spec.template.spec.containers[0].image).toBe(
      `myacr.azurecr.io/velero/velero:v${OTHER.velero}@${DIGEST_A}`,
    );

    const pod = one('Deployment').spec.template.spec;
    expect(pod.serviceAccountName).toBe('velero-server');
    expect(pod.initContainers.map((c: any) => c.image)).toEqual([
      `myacr.azurecr.io/kubectl:${KUBECTL_IMAGE_TAG}@${DIGEST_C}`,
      `myacr.azurecr.io/velero/velero-plugin-for-microsoft-azure:v${OTHER.plugin}@${DIGEST_B}`,
    ]);
    expect(pod.containers[0].image).toBe(`myacr.azurecr.io/velero/velero:v${OTHER.velero}@${DIGEST_A}`);
    expect(one('DaemonSet').spec.template.spec.containers[0].image).toBe(pod.containers[0].image);
    // labels and annotations on every object, Velero's own labels winning; never on pod templates.
    for (const object of objects) {
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject({
        team: 'platform',
        component: 'velero',
      });
      expect(object.metadata.annotations, `${object.kind}/${object.metadata.name}`).toMatchObject({
        owner: 'platform@example.com',
      });
    }
    expect(one('Deployment').spec.template.metadata.labels.team).toBeUndefined();
    expect(pod.initContainers[0].args).toContain(`job/velero-install-crds-v${OTHER.job}`);
    expect(pod.containers[0].args).toEqual(['server', '--default-volumes-to-fs-backup=true', '--uploader-type=kopia']);
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    expect(pod.volumes.find((v: any) => v.secret)).toEqual({
      name: 'cloud-credentials',
      secret: { secretName: 'velero-azure', defaultMode: 0o444 },
    });

    const agent = one('DaemonSet');
    expect(agent.spec.template.spec.serviceAccountName).toBe('velero-server');
    expect(agent.spec.template.spec.containers[0].securityContext).toEqual({ privileged: true });
    expect(agent.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '512Mi' },
      limits: { memory: '2Gi' },
    });

    const bsl = one('BackupStorageLocation');
    expect(bsl.metadata.name).toBe('primary');
    expect(bsl.spec.objectStorage).toEqual({ bucket: 'velero', prefix: 'aks-prod' });
    expect(bsl.spec.config).toEqual({
      resourceGroup: 'rg-backups',
      storageAccount: 'aksvelero01',
      useAAD: 'true',
      storageAccountURI: 'https://aksvelero01.z12.blob.storage.azure.net',
      blockSizeInBytes: '4194304',
    });
    const vsl = one('VolumeSnapshotLocation');
    expect(vsl.metadata.name).toBe('disks');
    expect(vsl.spec.config).toEqual({
      resourceGroup: 'rg-snapshots',
      incremental: 'false',
      tags: 'backup=velero',
      apiTimeout: '5m',
    });
    expect(installation).toMatchObject({
      veleroVersion: OTHER.velero,
      azurePluginVersion: OTHER.plugin,
      hasNodeAgent: true,
      namespace: 'backup',
    });
    const secret = listAzureRequirements(installation).find((r) => r.kind === 'kubernetesSecret');
    expect(secret).toMatchObject({ namespace: 'backup', name: 'velero-azure' });
    expect((secret as any).keys.cloud.variables.AZURE_CLOUD_NAME).toEqual({
      from: 'literal',
      value: 'AzureUSGovernmentCloud',
    });
  });

  it('uses the sovereign cloud blob endpoint when it derives the storage account URI', () => {
    const { one } = synthInstall({ auth: { ...WORKLOAD_IDENTITY, cloudName: 'AzureChinaCloud' } });
    expect(one('BackupStorageLocation').spec.config.storageAccountURI).toBe(
      'https://aksvelero01.blob.core.chinacloudapi.cn',
    );
  });
});

describe('ArkInstallation auth modes', () => {
  it('service principal: no identity annotations, Entra ID blob access, credentials file with client id and secret', () => {
    const { one, chart, installation } = synthInstall({ auth: SERVICE_PRINCIPAL });
    expect(one('ServiceAccount', 'velero').metadata.annotations).toBeUndefined();
    expect(one('Deployment').spec.template.metadata.labels).toEqual({ component: 'velero', deploy: 'velero' });
    expect(one('BackupStorageLocation').spec.config).toMatchObject({
      useAAD: 'true',
      storageAccountURI: 'https://aksvelero01.blob.core.windows.net',
    });
    const list = listAzureRequirements(chart);
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:aksvelero01',
      'blobContainer:aksvelero01/velero',
      `servicePrincipalRoles:${SERVICE_PRINCIPAL.clientId}`,
      'kubernetesSecret:velero/cloud-credentials',
    ]);
    // The service principal is the user's; the roles it must hold are declared like a workload identity's.
    expect((list[2] as any).roles).toEqual([
      {
        role: 'Storage Blob Data Contributor',
        scope: { type: 'blobContainer', account: 'aksvelero01', container: 'velero' },
      },
      { role: 'Storage Blob Delegator', scope: { type: 'storageAccount', account: 'aksvelero01' } },
    ]);
    // Only the client secret is the user's to type (Pulumi secret config); the rest is known.
    expect((list[3] as any).keys.cloud.variables).toEqual({
      AZURE_SUBSCRIPTION_ID: { from: 'literal', value: SUBSCRIPTION },
      AZURE_TENANT_ID: { from: 'literal', value: TENANT },
      AZURE_CLIENT_ID: { from: 'literal', value: CLIENT },
      AZURE_CLIENT_SECRET: {
        from: 'provided',
        description: `client secret of service principal ${CLIENT}`,
        configKey: 'velero-client-secret',
      },
      AZURE_RESOURCE_GROUP: { from: 'literal', value: NODE_RG },
      AZURE_CLOUD_NAME: { from: 'literal', value: 'AzurePublicCloud' },
    });
    // Without subscription and tenant, the deploy step fills them from its own credentials.
    const bare = synthInstall({ auth: { mode: 'servicePrincipal', clientId: CLIENT } });
    const bareSecret = listAzureRequirements(bare.chart).find((r) => r.kind === 'kubernetesSecret') as any;
    expect(bareSecret.keys.cloud.variables).toMatchObject({
      AZURE_SUBSCRIPTION_ID: { from: 'subscriptionId' },
      AZURE_TENANT_ID: { from: 'tenantId' },
      AZURE_RESOURCE_GROUP: { from: 'clusterNodeResourceGroup' },
    });
    // Roles are listed for the by-hand `az role assignment create`.
    expect(installation.roleAssignments).toEqual([
      {
        role: 'Storage Blob Data Contributor',
        scope: { type: 'blobContainer', account: 'aksvelero01', container: 'velero' },
      },
      { role: 'Storage Blob Delegator', scope: { type: 'storageAccount', account: 'aksvelero01' } },
    ]);
  });

  it('service principal without useAAD: the plugin lists the account keys, no endpoint is rendered', () => {
    const { one, installation } = synthInstall({ auth: { ...SERVICE_PRINCIPAL, useAAD: false } });
    expect(one('BackupStorageLocation').spec.config).toEqual({
      resourceGroup: 'rg-backups',
      storageAccount: 'aksvelero01',
    });
    expect(installation.roleAssignments).toEqual([
      { role: 'Storage Account Key Operator Service Role', scope: { type: 'storageAccount', account: 'aksvelero01' } },
    ]);
  });

  it('storage account key: storageAccountKeyEnvVar names the variable of the credentials file', () => {
    const { one, chart, installation } = synthInstall({ auth: ACCOUNT_KEY });
    expect(one('BackupStorageLocation').spec.config).toEqual({
      resourceGroup: 'rg-backups',
      storageAccount: 'aksvelero01',
      storageAccountKeyEnvVar: 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY',
    });
    const secret = listAzureRequirements(chart).find((r) => r.kind === 'kubernetesSecret') as any;
    expect(secret.keys.cloud.variables).toEqual({
      AZURE_STORAGE_ACCOUNT_ACCESS_KEY: { from: 'storageAccountKey', account: 'aksvelero01' },
      AZURE_CLOUD_NAME: { from: 'literal', value: 'AzurePublicCloud' },
    });
    expect(installation.roleAssignments).toEqual([]);
    const custom = synthInstall({
      auth: { mode: 'storageAccountKey', keyEnvVar: 'BACKUP_KEY', cloudName: 'AzureChinaCloud' },
    });
    expect(custom.one('BackupStorageLocation').spec.config.storageAccountKeyEnvVar).toBe('BACKUP_KEY');
  });

  it('workload identity: the identity gets Contributor on the node and snapshot resource groups with snapshots', () => {
    const { chart } = synthInstall({ volumeSnapshots: { resourceGroup: 'rg-snapshots' } });
    const identity = listAzureRequirements(chart).find((r) => r.kind === 'workloadIdentity') as any;
    expect(identity.roles).toEqual([
      {
        role: 'Storage Blob Data Contributor',
        scope: { type: 'blobContainer', account: 'aksvelero01', container: 'velero' },
      },
      { role: 'Storage Blob Delegator', scope: { type: 'storageAccount', account: 'aksvelero01' } },
      { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: NODE_RG } },
      { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: 'rg-snapshots' } },
    ]);
    const custom = synthInstall({ volumeSnapshots: { resourceGroup: NODE_RG, role: 'Velero Snapshots' } });
    expect(custom.installation.roleAssignments.filter((r) => r.scope.type === 'resourceGroup')).toEqual([
      { role: 'Velero Snapshots', scope: { type: 'resourceGroup', resourceGroup: NODE_RG } },
    ]);
  });
});

describe('ArkInstallation under the Pulumi layer', () => {
  it('workload identity without client id or subscription: the annotation and the credentials file are filled at deploy time', () => {
    const { one, chart } = synthInstall({
      auth: { mode: 'workloadIdentity', identityName: 'velero-prod', nodeResourceGroup: NODE_RG },
    });
    expect(one('ServiceAccount', 'velero').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': CLIENT_ID_SET_AT_DEPLOY,
    });
    const secret = listAzureRequirements(chart).find((r) => r.kind === 'kubernetesSecret') as any;
    expect(secret.keys.cloud.variables).toEqual({
      AZURE_SUBSCRIPTION_ID: { from: 'subscriptionId' },
      AZURE_RESOURCE_GROUP: { from: 'literal', value: NODE_RG },
      AZURE_CLOUD_NAME: { from: 'literal', value: 'AzurePublicCloud' },
    });
  });
});

describe('ArkInstallation read-only (restore cluster)', () => {
  it('renders a ReadOnly location and declares only read access to the backup container', () => {
    const { one, chart, installation } = synthInstall({
      readOnly: true,
      volumeSnapshots: { resourceGroup: 'rg-snapshots' },
    });
    expect(one('BackupStorageLocation').spec.accessMode).toBe('ReadOnly');
    expect(installation.readOnly).toBe(true);
    const identity = listAzureRequirements(chart).find((r) => r.kind === 'workloadIdentity') as any;
    expect(identity.roles).toEqual([
      {
        role: 'Storage Blob Data Reader',
        scope: { type: 'blobContainer', account: 'aksvelero01', container: 'velero' },
      },
      { role: 'Storage Blob Delegator', scope: { type: 'storageAccount', account: 'aksvelero01' } },
      { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: NODE_RG } },
      { role: 'Reader', scope: { type: 'resourceGroup', resourceGroup: 'rg-snapshots' } },
    ]);
    expect(JSON.stringify(identity.roles)).not.toContain('Data Contributor');
  });

  it('refuses schedules, writable locations, key auth and backup-only flags', () => {
    const { installation } = install({ readOnly: true });
    expect(() => installation.addSchedule('daily', { schedule: '@daily' })).toThrow(
      rejected('test/velero/daily', 'installation', '"test/velero"', 'a read-only (restore) cluster takes no backups'),
    );
    expect(() =>
      installation.addBackupStorageLocation('other', { ...STORAGE, container: 'other', readOnly: false }),
    ).toThrow(
      rejected(
        'test/velero/other',
        'readOnly',
        'false',
        'nothing in a restore cluster may write to a backup container',
      ),
    );
    expect(() => install({ readOnly: true, auth: ACCOUNT_KEY })).toThrow(
      rejected(
        'test/velero',
        'auth',
        '"storageAccountKey"',
        'a storage account key (given or listed) can always write',
      ),
    );
    expect(() => install({ readOnly: true, auth: { ...SERVICE_PRINCIPAL, useAAD: false } })).toThrow(
      rejected(
        'test/velero',
        'auth',
        '"servicePrincipal with useAAD false"',
        'can always write to the backup container',
      ),
    );
    expect(() => install({ readOnly: true, nodeAgent: true, defaultVolumesToFsBackup: true })).toThrow(
      rejected('test/velero', 'defaultVolumesToFsBackup', 'true', 'a restore cluster does not take'),
    );
  });

  it('keeps the node agent for file-system restores', () => {
    const { one } = synthInstall({ readOnly: true, nodeAgent: true });
    expect(one('DaemonSet').metadata.name).toBe('node-agent');
  });
});

describe('ArkInstallation node agent', () => {
  it('renders pkg/install/daemonset.go: host pod and plugin dirs, HostToContainer, runAsUser 0, not privileged', () => {
    const ds = synthInstall({ nodeAgent: true }).one('DaemonSet');
    expect(ds.metadata).toEqual({ name: 'node-agent', namespace: 'velero', labels: { component: 'velero' } });
    expect(ds.spec.selector).toEqual({ matchLabels: { name: 'node-agent' } });
    expect(ds.spec.template.metadata.labels).toEqual({
      component: 'velero',
      name: 'node-agent',
      role: 'node-agent',
      'azure.workload.identity/use': 'true',
    });
    const pod = ds.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsUser: 0 });
    expect(pod.affinity).toEqual(LINUX_AFFINITY);
    expect(pod.volumes).toEqual([
      { name: 'host-pods', hostPath: { path: '/var/lib/kubelet/pods' } },
      { name: 'host-plugins', hostPath: { path: '/var/lib/kubelet/plugins' } },
      { name: 'scratch', emptyDir: {} },
      CREDENTIALS_VOLUME,
    ]);
    expect(pod.containers).toEqual([
      {
        name: 'node-agent',
        image: `velero/velero:v${NEWEST.velero}`,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'metrics', containerPort: 8085 }],
        command: ['/velero'],
        args: ['node-agent', 'server'],
        securityContext: { privileged: false },
        volumeMounts: [
          { name: 'host-pods', mountPath: '/host_pods', mountPropagation: 'HostToContainer' },
          { name: 'host-plugins', mountPath: '/var/lib/kubelet/plugins', mountPropagation: 'HostToContainer' },
          { name: 'scratch', mountPath: '/scratch' },
          CREDENTIALS_MOUNT,
        ],
        env: [
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'VELERO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'VELERO_SCRATCH_DIR', value: '/scratch' },
          { name: 'AZURE_CREDENTIALS_FILE', value: '/credentials/cloud' },
        ],
      },
    ]);
  });

  it('has no workload identity label with a service principal', () => {
    const ds = synthInstall({ nodeAgent: true, auth: SERVICE_PRINCIPAL }).one('DaemonSet');
    expect(ds.spec.template.metadata.labels).toEqual({ component: 'velero', name: 'node-agent', role: 'node-agent' });
  });
});

describe('ArkInstallation bad input', () => {
  const cases: Array<[string, Partial<ArkInstallationProps>, RegExp]> = [
    ['namespace', { namespace: 'Velero' }, rejected('test/velero', 'namespace', '"Velero"', 'a DNS-1123 label')],
    [
      'unsupported Velero',
      { veleroVersion: '1.17.2' },
      rejected('test/velero', 'veleroVersion', '"1.17.2"', `one of ${NEWEST.velero}`),
    ],
    [
      'plugin of another Velero',
      { azurePluginVersion: '1.13.2' },
      rejected(
        'test/velero',
        'azurePluginVersion',
        '"1.13.2"',
        `paired with Velero ${NEWEST.velero}: ${NEWEST.plugin}`,
      ),
    ],
    [
      'image with a tag',
      { images: { velero: `velero/velero:v${OTHER.velero}` } },
      rejected('test/velero', 'images.velero', `"velero/velero:v${OTHER.velero}"`, 'without tag or digest'),
    ],
    [
      'image with a digest',
      { images: { kubectl: 'registry.k8s.io/kubectl@sha256:abc' } },
      rejected('test/velero', 'images.kubectl', '"registry.k8s.io/kubectl@sha256:abc"', 'without tag or digest'),
    ],
    [
      'memory limit below 512Mi',
      { resources: { memoryLimit: '256Mi' } },
      rejected(
        'test/velero',
        'resources.memoryLimit',
        '"256Mi"',
        'at least 512Mi: the Azure plugin is OOM-killed below that',
      ),
    ],
    [
      'decimal memory',
      { resources: { memoryLimit: '1G' } },
      rejected('test/velero', 'resources.memoryLimit', '"1G"', 'binary unit'),
    ],
    [
      'CPU text',
      { resources: { cpuLimit: '1 core' } },
      rejected(
        'test/velero',
        'resources.cpuLimit',
        '"1 core"',
        'a CPU quantity in cores or whole millicores, like "500m"',
      ),
    ],
    [
      'memory request above limit',
      { resources: { memoryRequest: '1Gi' } },
      rejected('test/velero', 'resources.memoryRequest', '"1Gi"', 'at most the memory limit (512Mi)'),
    ],
    [
      'CPU request above limit',
      { resources: { cpuRequest: '2' } },
      rejected('test/velero', 'resources.cpuRequest', '"2"', 'at most the CPU limit (1000m)'),
    ],
    [
      'CPU limit below the default request: the limit the user wrote is named',
      { resources: { cpuLimit: '100m' } },
      rejected('test/velero', 'resources.cpuLimit', '"100m"', 'at least the CPU request (500m)'),
    ],
    [
      'CPU limit of zero',
      { resources: { cpuRequest: '0', cpuLimit: '0' } },
      rejected('test/velero', 'resources.cpuLimit', '"0"', 'a CPU quantity'),
    ],
    [
      'fs backup without node agent',
      { defaultVolumesToFsBackup: true },
      rejected('test/velero', 'defaultVolumesToFsBackup', 'true', 'false unless nodeAgent is on'),
    ],
    [
      'node agent resources without node agent',
      { nodeAgentResources: { memoryLimit: '1Gi' } },
      rejected('test/velero', 'nodeAgentResources', '{"memoryLimit":"1Gi"}', 'unset unless nodeAgent is on'),
    ],
    [
      'credentials secret name',
      { credentialsSecretName: 'Cloud_Credentials' },
      rejected('test/velero', 'credentialsSecretName', '"Cloud_Credentials"', 'a DNS-1123 subdomain'),
    ],
    [
      'service account name',
      { serviceAccountName: 'velero!' },
      rejected('test/velero', 'serviceAccountName', '"velero!"', 'a DNS-1123 subdomain'),
    ],
    [
      'cluster role name',
      { clusterRoleName: '' },
      rejected('test/velero', 'clusterRoleName', '""', 'a DNS-1123 subdomain'),
    ],
    [
      'snapshots with a storage key',
      { auth: ACCOUNT_KEY, volumeSnapshots: { resourceGroup: 'rg-snapshots' } },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'auth.mode',
        '"storageAccountKey"',
        'a storage account key cannot snapshot managed disks',
      ),
    ],
    [
      'snapshots without node resource group',
      {
        auth: { ...WORKLOAD_IDENTITY, nodeResourceGroup: undefined },
        volumeSnapshots: { resourceGroup: 'rg-snapshots' },
      },
      rejected('test/velero/VolumeSnapshotLocation', 'auth.nodeResourceGroup', '(unset)', 'AZURE_RESOURCE_GROUP'),
    ],
    [
      'auth mode',
      { auth: { mode: 'managedIdentity' } as any },
      rejected(
        'test/velero',
        'auth.mode',
        '"managedIdentity"',
        'one of servicePrincipal, storageAccountKey, workloadIdentity',
      ),
    ],
    [
      'client id',
      { auth: { ...WORKLOAD_IDENTITY, clientId: 'velero' } },
      rejected('test/velero', 'auth.clientId', '"velero"', "the managed identity's client id: a GUID"),
    ],
    [
      'subscription id',
      { auth: { ...SERVICE_PRINCIPAL, subscriptionId: 'prod' } },
      rejected('test/velero', 'auth.subscriptionId', '"prod"', 'the subscription id: a GUID'),
    ],
    [
      'tenant id',
      { auth: { ...SERVICE_PRINCIPAL, tenantId: 'contoso.onmicrosoft.com' } },
      rejected('test/velero', 'auth.tenantId', '"contoso.onmicrosoft.com"', 'the tenant id: a GUID'),
    ],
    [
      'identity name',
      { auth: { ...WORKLOAD_IDENTITY, identityName: 'v' } },
      rejected('test/velero', 'auth.identityName', '"v"', 'a managed identity name'),
    ],
    [
      'key variable',
      { auth: { mode: 'storageAccountKey', keyEnvVar: 'azure key' } },
      rejected('test/velero', 'auth.keyEnvVar', '"azure key"', 'an upper-case variable name'),
    ],
    [
      'key variable the plugin owns',
      { auth: { mode: 'storageAccountKey', keyEnvVar: 'AZURE_CLIENT_SECRET' } },
      rejected('test/velero', 'auth.keyEnvVar', '"AZURE_CLIENT_SECRET"', 'not one the plugin reads'),
    ],
    [
      'cloud name',
      { auth: { ...WORKLOAD_IDENTITY, cloudName: 'AzureGermanCloud' as any } },
      rejected(
        'test/velero',
        'auth.cloudName',
        '"AzureGermanCloud"',
        'one of AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud',
      ),
    ],
    [
      'node resource group',
      { auth: { ...WORKLOAD_IDENTITY, nodeResourceGroup: 'rg with spaces' } },
      rejected('test/velero', 'auth.nodeResourceGroup', '"rg with spaces"', 'a resource group name'),
    ],
  ];
  it.each(cases)('rejects %s', (_, props, message) => {
    expect(() => install(props)).toThrow(message);
  });

  it('accepts versions with or without the leading v', () => {
    expect(
      install({ veleroVersion: `v${NEWEST.velero}`, azurePluginVersion: NEWEST.plugin }).installation.veleroImage,
    ).toBe(`velero/velero:v${NEWEST.velero}`);
  });

  it('lets a memory limit above 512Mi through and puts every object in the installation namespace', () => {
    const { objects } = synthInstall({ resources: { memoryLimit: '768Mi' }, namespace: 'dr' });
    expect(objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].resources.limits.memory).toBe(
      '768Mi',
    );
    expect(objects.filter((o) => o.metadata.namespace).every((o) => o.metadata.namespace === 'dr')).toBe(true);
  });

  it('ignores the chart namespace: Velero objects carry their own', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    new ArkInstallation(chart, 'velero', BASE);
    expect(
      synthValid(chart)
        .filter((o) => o.metadata.namespace)
        .map((o) => o.metadata.namespace),
    ).not.toContain('apps');
  });
});
