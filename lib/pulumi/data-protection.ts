import * as pulumi from '@pulumi/pulumi';

/**
 * What `pulumi destroy` (or a replace) may do to resources that hold data: storage accounts,
 * containers, file shares, Namespaces, PersistentVolumeClaims and PersistentVolumes.
 * - `retainOnDelete`: Pulumi forgets them and leaves them in Azure and in the cluster.
 * - `protect`: Pulumi refuses to delete them (and fails the destroy) until `pulumi state unprotect`.
 * - `none`: they are deleted like everything else. Only when you mean it.
 */
export type DataProtection = 'retainOnDelete' | 'protect' | 'none';

/** The resource options that implement a {@link DataProtection} choice. */
export function dataProtectionOptions(mode: DataProtection): pulumi.CustomResourceOptions {
  switch (mode) {
    case 'retainOnDelete':
      return { retainOnDelete: true };
    case 'protect':
      return { protect: true };
    case 'none':
      return {};
  }
}
