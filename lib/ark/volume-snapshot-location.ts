import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { declareVeleroRoles } from './role-requirements';
import { RoleAssignment } from '../azure/requirement-types';
import { MetadataProps, metadata, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { invalid } from '../core/errors';
import { checkResourceGroupName, renderAzureTags } from '../azure/names';
import { checkDnsSubdomain } from '../core/names';
import { isGuid } from '../core/values';
import { checkGoDuration } from './go-duration';
import { IArkInstallation, checkInstallation } from './installation-ref';
import { checkBoolean, checkRecord, checkStringRecord } from '../core/types';
import { NEEDS_VELERO_CRDS_LABEL, VELERO_CRDS_GROUP, VELERO_LABELS, dependOnCrdJob } from './labels';
import { AZURE_VSL_CONFIG_KEYS, assertAcceptedKeys, mergePluginConfig } from './plugin-config';

/** Native Azure managed-disk snapshots taken by the plugin (a VolumeSnapshotLocation). */
export interface ArkVolumeSnapshotOptions extends MetadataProps {
  /**
   * Resource group the snapshots are written to (`config.resourceGroup`). Choose one outside the
   * cluster's node resource group: that group is deleted with the cluster, and snapshots in it
   * with it. Naming the node resource group here is allowed, but it must be a conscious choice.
   */
  readonly resourceGroup: string;
  /** Subscription of that resource group, when not the cluster's (`config.subscriptionId`). @default the subscription in the credentials file */
  readonly subscriptionId?: string;
  /** Incremental snapshots store only changed blocks (`config.incremental`). @default true */
  readonly incremental?: boolean;
  /** Azure tags on every snapshot (`config.tags`). @default none */
  readonly tags?: Record<string, string>;
  /** How long an Azure API call may take (`config.apiTimeout`): a cdk8s `Duration` or a Go duration ("5m"). @default the plugin's 2m0s */
  readonly apiTimeout?: Duration | string;
  /** Name of the VolumeSnapshotLocation; immutable once deployed (backups record it), and a restore cluster must use the primary's name. @default 'default' */
  readonly name?: string;
  /**
   * Role granted on the node and snapshot resource groups: 'Contributor' or the name of a custom
   * role with the plugin's disk and snapshot actions. @default 'Contributor'
   */
  readonly role?: string;
  /** Further plugin config: only accepted keys no typed prop sets. @default none */
  readonly config?: Record<string, string>;
}

/** Props of {@link ArkVolumeSnapshotLocation}. */
export interface ArkVolumeSnapshotLocationProps extends ArkVolumeSnapshotOptions {
  /** The installation whose server takes the snapshots. */
  readonly installation: IArkInstallation;
}

const PROP_FOR_KEY: Readonly<Record<string, string>> = {
  resourceGroup: 'resourceGroup',
  subscriptionId: 'subscriptionId',
  incremental: 'incremental',
  tags: 'tags',
  apiTimeout: 'apiTimeout',
};

/**
 * A Velero `VolumeSnapshotLocation` for Azure managed disks (provider `azure`): incremental by
 * default, snapshots in a resource group of their own. Needs a service principal or workload
 * identity, and the cluster's node resource group in the credentials file.
 */
export class ArkVolumeSnapshotLocation extends Construct {
  public readonly name: string;
  /** Resource group of the snapshots. */
  public readonly resourceGroup: string;
  /** Azure roles Velero's identity needs for snapshots and restores from them. */
  public readonly roleAssignments: readonly RoleAssignment[];
  public readonly config: Readonly<Record<string, string>>;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArkVolumeSnapshotLocationProps) {
    super(scope, id);
    checkRecord(this, 'props', props);
    const installation = checkInstallation(this, 'installation', props.installation);
    const auth = installation.auth;
    if (auth.mode === 'storageAccountKey') {
      invalid(
        this,
        'auth.mode',
        auth.mode,
        'servicePrincipal or workloadIdentity with volume snapshots: a storage account key cannot snapshot managed disks (drop volumeSnapshots, or change auth)',
      );
    }
    if (auth.nodeResourceGroup === undefined) {
      invalid(
        this,
        'auth.nodeResourceGroup',
        undefined,
        "the cluster's node resource group (MC_<group>_<cluster>_<region>): the plugin reads the disks from AZURE_RESOURCE_GROUP and refuses to start without it",
      );
    }
    if (typeof props.resourceGroup !== 'string') {
      invalid(
        this,
        'resourceGroup',
        props.resourceGroup,
        'a resource group for the snapshots, preferably outside the node resource group so they outlive the cluster',
      );
    }
    this.resourceGroup = checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);

    const built: Record<string, string> = { resourceGroup: this.resourceGroup };
    if (props.subscriptionId !== undefined) {
      if (!isGuid(props.subscriptionId)) {
        invalid(
          this,
          'subscriptionId',
          props.subscriptionId,
          'a subscription id: a GUID like 00000000-0000-0000-0000-000000000000',
        );
      }
      built.subscriptionId = props.subscriptionId;
    }
    built.incremental = String(checkBoolean(this, 'incremental', props.incremental, true));
    const tags = props.tags === undefined ? {} : checkStringRecord(this, 'tags', props.tags);
    if (Object.keys(tags).length > 0) built.tags = renderAzureTags(this, 'tags', tags);
    if (props.apiTimeout !== undefined) built.apiTimeout = checkGoDuration(this, 'apiTimeout', props.apiTimeout, '5m');
    const config = props.config === undefined ? undefined : checkStringRecord(this, 'config', props.config);
    this.config = mergePluginConfig(this, 'config', built, config, AZURE_VSL_CONFIG_KEYS, PROP_FOR_KEY);
    assertAcceptedKeys(this, 'config', this.config, AZURE_VSL_CONFIG_KEYS);

    const extra = resolveMetadataProps(this, props);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'VolumeSnapshotLocation',
      metadata: metadata({
        name: checkDnsSubdomain(this, 'name', props.name ?? 'default'),
        namespace: installation.namespace,
        // The library's labels win: Velero and the apply order select on them.
        labels: { ...extra.labels, ...VELERO_LABELS, [NEEDS_VELERO_CRDS_LABEL]: VELERO_CRDS_GROUP },
        annotations: nonEmpty(extra.annotations),
      }),
      spec: { provider: 'azure', config: this.config },
    });
    this.name = this.apiObject.name;
    dependOnCrdJob(this.apiObject, installation.crdJob);

    const role = props.role ?? 'Contributor';
    if (typeof role !== 'string' || !/^[\w][\w .()-]{0,511}$/.test(role)) {
      invalid(
        this,
        'role',
        role,
        "'Contributor' or the name of a custom role with the disk and snapshot actions the plugin lists",
      );
    }
    const nodeGroup = auth.nodeResourceGroup;
    const roles: RoleAssignment[] = [{ role, scope: { type: 'resourceGroup', resourceGroup: nodeGroup } }];
    if (this.resourceGroup !== nodeGroup) {
      // A restore cluster only reads snapshots; it creates disks in its own node resource group.
      roles.push({
        role: installation.readOnly ? 'Reader' : role,
        scope: { type: 'resourceGroup', resourceGroup: this.resourceGroup },
      });
    }
    this.roleAssignments = roles;
    declareVeleroRoles(this, auth, installation, roles);
  }
}
