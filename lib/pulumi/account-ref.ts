import * as pulumi from '@pulumi/pulumi';

/** What Secrets and role assignments need of a storage account, whether the stack creates it or not. */
export interface StorageAccountRef {
  /** The account name (resolves once the account exists). */
  readonly accountName: pulumi.Input<string>;
  /** Its resource group. */
  readonly resourceGroupName: string;
  /** Its ARM id, the scope of account-level roles. */
  readonly accountId: pulumi.Input<string>;
  /** The ARM id of one of its containers, the scope of container-level roles. */
  containerId(container: string): pulumi.Input<string>;
}

/** An account another stack (or a person) owns: referred to by name, nothing created. */
export function existingAccount(
  name: string,
  resourceGroupName: string,
  subscriptionId: pulumi.Input<string>,
): StorageAccountRef {
  const accountId = pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${name}`;
  return {
    accountName: name,
    resourceGroupName,
    accountId,
    containerId: (container) => pulumi.interpolate`${accountId}/blobServices/default/containers/${container}`,
  };
}
