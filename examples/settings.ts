import { ChartProps } from 'cdk8s';

/**
 * The Azure names the examples use. Storage account names are global: to deploy the examples,
 * choose your own (the Pulumi program reads them from config). `cdk8s synth` uses the defaults.
 */
export interface ExampleSettings {
  /** Account of the backup example's dumps and the static share example. @default 'aksstatefulexamples' */
  readonly storageAccount: string;
  /** Account of the Velero examples' backups. @default 'aksstatefulvelero' */
  readonly veleroStorageAccount: string;
  /** Resource group of the Velero backup account. @default 'rg-aks-backups' */
  readonly backupResourceGroup: string;
  /** Resource group of the disk snapshots (outside the node resource group). @default 'rg-aks-snapshots' */
  readonly snapshotResourceGroup: string;
  /** Node resource group (`MC_...`) of the primary cluster. @default 'MC_rg-aks_aks-prod_westeurope' */
  readonly primaryNodeResourceGroup: string;
  /** Node resource group (`MC_...`) of the restore cluster. @default 'MC_rg-aks_aks-restore_westeurope' */
  readonly restoreNodeResourceGroup: string;
}

/** What `npm run synth` uses. */
export const DEFAULT_EXAMPLE_SETTINGS: ExampleSettings = {
  storageAccount: 'aksstatefulexamples',
  veleroStorageAccount: 'aksstatefulvelero',
  backupResourceGroup: 'rg-aks-backups',
  snapshotResourceGroup: 'rg-aks-snapshots',
  primaryNodeResourceGroup: 'MC_rg-aks_aks-prod_westeurope',
  restoreNodeResourceGroup: 'MC_rg-aks_aks-restore_westeurope',
};

/** Props of an example chart that names Azure resources. */
export interface ExampleChartProps extends ChartProps {
  /** The Azure names to use. @default DEFAULT_EXAMPLE_SETTINGS */
  readonly settings?: ExampleSettings;
}
