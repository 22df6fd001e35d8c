/** Azure managed disk SKUs the disk CSI driver provisions. */
export type AzureDiskSku =
  | 'Standard_LRS'
  | 'StandardSSD_LRS'
  | 'Premium_LRS'
  | 'PremiumV2_LRS'
  | 'UltraSSD_LRS'
  | 'StandardSSD_ZRS'
  | 'Premium_ZRS';

/** Host caching of a managed disk. */
export type AzureDiskCachingMode = 'None' | 'ReadOnly' | 'ReadWrite';

interface SkuFacts {
  readonly zoneRedundant: boolean;
  /** PremiumV2 and Ultra: IOPS and throughput are provisioned, caching must be None. */
  readonly provisionedPerformance?: { readonly iops: [number, number]; readonly mbps: [number, number] };
  /** Largest maxShares (shared disk); 1 means shared disks are not available. */
  readonly maxShares: number;
}

/** Facts from the Azure managed disk documentation, used by the class's rules. */
export const AZURE_DISK_SKUS: Readonly<Record<AzureDiskSku, SkuFacts>> = {
  Standard_LRS: { zoneRedundant: false, maxShares: 1 },
  StandardSSD_LRS: { zoneRedundant: false, maxShares: 5 },
  StandardSSD_ZRS: { zoneRedundant: true, maxShares: 5 },
  Premium_LRS: { zoneRedundant: false, maxShares: 10 },
  Premium_ZRS: { zoneRedundant: true, maxShares: 10 },
  PremiumV2_LRS: {
    zoneRedundant: false,
    maxShares: 15,
    provisionedPerformance: { iops: [3000, 80000], mbps: [125, 1200] },
  },
  UltraSSD_LRS: {
    zoneRedundant: false,
    maxShares: 15,
    provisionedPerformance: { iops: [100, 400000], mbps: [1, 10000] },
  },
};

/** All disk SKUs, for error messages. */
export const AZURE_DISK_SKU_NAMES = Object.keys(AZURE_DISK_SKUS) as AzureDiskSku[];
