import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import { StorageAccountRef } from './account-ref';
import { PlannedAccount } from './azure-plan';
import { DataProtection, dataProtectionOptions } from './data-protection';

/** Arguments of {@link StorageAccount}. */
export interface StorageAccountArgs {
  /** The account and what lives in it, as planned from the requirements. */
  readonly plan: PlannedAccount;
  /** Azure region. */
  readonly location: pulumi.Input<string>;
  /** Days deleted blobs and containers (and shares) stay recoverable. @default 14 */
  readonly softDeleteDays?: number;
  /** What `pulumi destroy` may do to the account, its containers and shares. @default 'retainOnDelete' */
  readonly dataProtection?: DataProtection;
}

/**
 * One storage account with its blob containers, the single lifecycle policy Azure allows per
 * account (one rule per container prefix), file shares, and soft delete. Created HTTPS-only,
 * TLS 1.2 or newer, without public blob access, and with shared-key access only when a declared
 * Secret needs the account key.
 */
export class StorageAccount extends pulumi.ComponentResource implements StorageAccountRef {
  /** The Azure storage account. */
  public readonly account: storage.StorageAccount;
  /** Containers by name. */
  public readonly containers: Readonly<Record<string, storage.BlobContainer>>;
  /** File shares by name. */
  public readonly shares: Readonly<Record<string, storage.FileShare>>;
  /** The lifecycle policy, when any container has retention rules. */
  public readonly managementPolicy?: storage.ManagementPolicy;
  /** Resource group of the account. */
  public readonly resourceGroupName: string;
  /** The account name (as planned; Azure names are global). */
  public readonly accountName: pulumi.Output<string>;
  /** The blob service endpoint, e.g. `https://<account>.blob.core.windows.net/`. */
  public readonly blobEndpoint: pulumi.Output<string>;
  /** The account's ARM id. */
  public readonly accountId: pulumi.Output<string>;

  constructor(name: string, args: StorageAccountArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('aks-stateful:storage:StorageAccount', name, { account: args.plan.name }, opts);
    const { plan } = args;
    const keep = dataProtectionOptions(args.dataProtection ?? 'retainOnDelete');
    const days = args.softDeleteDays ?? 14;
    const parent = { parent: this };
    const nfs = plan.shares.some((s) => s.protocol === 'NFS');
    this.account = new storage.StorageAccount(
      name,
      {
        accountName: plan.name,
        resourceGroupName: plan.resourceGroup,
        location: args.location,
        kind: plan.kind,
        sku: { name: plan.sku },
        // Azure refuses NFS shares on accounts that require secure transfer: NFS has no TLS.
        enableHttpsTrafficOnly: !nfs,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: plan.sharedKeyAccess,
        // With shared keys off, the portal and az must use Entra ID too.
        defaultToOAuthAuthentication: !plan.sharedKeyAccess,
        allowCrossTenantReplication: false,
      },
      { ...parent, ...keep },
    );
    const account = { accountName: this.account.name, resourceGroupName: plan.resourceGroup };

    const containers: Record<string, storage.BlobContainer> = {};
    if (plan.kind !== 'FileStorage') {
      const blobService = new storage.BlobServiceProperties(
        `${name}-blob-service`,
        {
          ...account,
          blobServicesName: 'default',
          deleteRetentionPolicy: { enabled: true, days },
          containerDeleteRetentionPolicy: { enabled: true, days },
        },
        parent,
      );
      for (const container of plan.containers.filter((c) => !c.existing)) {
        containers[container.name] = new storage.BlobContainer(
          `${name}-${container.name}`,
          {
            ...account,
            containerName: container.name,
            publicAccess: 'None',
          },
          { ...parent, ...keep, dependsOn: [blobService] },
        );
      }
      const rules = plan.containers.flatMap((c) => c.lifecycleRules.map((rule) => ({ container: c.name, ...rule })));
      if (rules.length > 0) {
        this.managementPolicy = new storage.ManagementPolicy(
          `${name}-lifecycle`,
          {
            ...account,
            managementPolicyName: 'default',
            policy: {
              rules: rules.map((rule, index) => ({
                // Rule names: letters and digits only, unique within the policy.
                name: `${`${rule.container}${rule.prefix}`.replace(/[^A-Za-z0-9]/g, '')}${index}`.slice(-256),
                enabled: true,
                type: 'Lifecycle',
                definition: {
                  filters: { blobTypes: ['blockBlob'], prefixMatch: [`${rule.container}/${rule.prefix}`] },
                  actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: rule.deleteAfterDays } } },
                },
              })),
            },
          },
          { ...parent, dependsOn: Object.values(containers) },
        );
      }
    }
    this.containers = containers;

    const shares: Record<string, storage.FileShare> = {};
    if (plan.shares.length > 0) {
      const fileService = new storage.FileServiceProperties(
        `${name}-file-service`,
        {
          ...account,
          fileServicesName: 'default',
          shareDeleteRetentionPolicy: { enabled: true, days },
        },
        parent,
      );
      for (const share of plan.shares) {
        shares[share.name] = new storage.FileShare(
          `${name}-${share.name}`,
          {
            ...account,
            shareName: share.name,
            shareQuota: share.quotaGiB,
            enabledProtocols: share.protocol,
            ...(share.protocol === 'NFS' ? { rootSquash: 'RootSquash' } : {}),
          },
          { ...parent, ...keep, dependsOn: [fileService] },
        );
      }
    }
    this.shares = shares;
    this.resourceGroupName = plan.resourceGroup;
    this.accountId = this.account.id;
    this.accountName = this.account.name;
    this.blobEndpoint = this.account.primaryEndpoints.blob;
    this.registerOutputs({ accountName: this.accountName, blobEndpoint: this.blobEndpoint });
  }

  /** A container's ARM id: the created container's, or derived from the account's for an existing one. */
  public containerId(container: string): pulumi.Input<string> {
    return (
      this.containers[container]?.id ??
      pulumi.interpolate`${this.account.id}/blobServices/default/containers/${container}`
    );
  }
}
