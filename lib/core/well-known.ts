/**
 * uid and gid of `postgres` in the official Debian-based PostgreSQL images. The server, and the
 * backup, restore and drill jobs (which run `az` beside the PostgreSQL tools) all run as it, so
 * files on the data disk and in the scratch volume have one owner.
 */
export const POSTGRES_UID = 999;

/**
 * Keys of the Secret holding a storage account's name and key. They are the names the Azure
 * Files CSI driver reads for static shares, so one Secret serves a static share and the backup jobs.
 */
export const STORAGE_ACCOUNT_SECRET_KEYS = {
  /** Key of the storage account name. */
  accountName: 'azurestorageaccountname',
  /** Key of the storage account key. */
  accountKey: 'azurestorageaccountkey',
} as const;
