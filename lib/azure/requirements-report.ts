import { ListedAzureRequirement, RoleAssignment, SecretValuePart, SecretValueSource } from './requirement-types';

function describeRoles(roles: readonly RoleAssignment[]): string {
  return roles
    .map(
      (r) =>
        `${r.role} on ${r.scope.type === 'resourceGroup' ? `rg ${r.scope.resourceGroup}` : r.scope.type === 'blobContainer' ? `${r.scope.account}/${r.scope.container}` : r.scope.account}`,
    )
    .join('; ');
}

function describePart(source: SecretValuePart): string {
  switch (source.from) {
    case 'storageAccountName':
      return `name of ${source.account}`;
    case 'storageAccountKey':
      return `key of ${source.account}`;
    case 'generatedPassword':
      return `generated password (${source.length} chars)`;
    case 'provided':
      return source.description;
    case 'subscriptionId':
      return 'subscription id';
    case 'tenantId':
      return 'tenant id';
    case 'clusterNodeResourceGroup':
      return "the cluster's node resource group";
    case 'literal':
      return source.value;
  }
}

function describeSource(source: SecretValueSource): string {
  if (source.from !== 'dotenv') return describePart(source);
  return `dotenv file: ${Object.entries(source.variables)
    .map(([name, part]) => `${name}=${part.from === 'literal' ? part.value : `<${describePart(part)}>`}`)
    .join('; ')}`;
}

/** One-line description of what must exist, without any secret value (there are none to show). */
export function describeRequirement(req: ListedAzureRequirement): [string, string, string] {
  switch (req.kind) {
    case 'storageAccount':
      return [
        'storage account',
        req.account,
        [
          req.existing ? 'existing (not created)' : (req.sku ?? 'default SKU'),
          req.accountKind,
          req.resourceGroup && `rg ${req.resourceGroup}`,
        ]
          .filter(Boolean)
          .join(', '),
      ];
    case 'blobContainer':
      return [
        'blob container',
        `${req.account}/${req.container}`,
        [
          req.existing ? 'existing (not created)' : '',
          ...(req.lifecycleRules ?? []).map((r) => `delete ${r.prefix || '*'} after ${r.deleteAfterDays}d`),
        ]
          .filter(Boolean)
          .join('; ') || 'private',
      ];
    case 'fileShare':
      return ['file share', `${req.account}/${req.share}`, `${req.quotaGiB} GiB, ${req.protocol ?? 'SMB'}`];
    case 'workloadIdentity':
      return [
        'workload identity',
        `${req.identity} -> ${req.namespace}/${req.serviceAccount}`,
        describeRoles(req.roles),
      ];
    case 'servicePrincipalRoles':
      return ['service principal roles', req.clientId, describeRoles(req.roles)];
    case 'kubernetesSecret':
      return [
        'k8s secret',
        `${req.namespace}/${req.name}`,
        Object.entries(req.keys)
          .map(([k, s]) => `${k} = ${describeSource(s)}`)
          .join('; '),
      ];
  }
}

/** A plain-text table of requirements for the terminal (what to create by hand without Pulumi). */
export function formatAzureRequirements(list: readonly ListedAzureRequirement[]): string {
  if (list.length === 0) return 'No Azure resources are required.';
  const rows = [
    ['KIND', 'RESOURCE', 'DETAILS', 'DECLARED BY'],
    ...list.map((req) => [...describeRequirement(req), req.declaredBy.join(', ')]),
  ];
  const widths = rows[0].map((_, col) => Math.min(60, Math.max(...rows.map((row) => row[col].length))));
  return rows
    .map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '))
    .join('\n');
}
