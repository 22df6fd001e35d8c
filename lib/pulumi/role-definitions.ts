import { createHash } from 'node:crypto';

/**
 * Definition GUIDs of the Azure built-in roles the constructs declare. They are the same in every
 * subscription and cloud; a custom role's GUID comes from `StatefulStackArgs.customRoleDefinitionIds`.
 */
export const BUILT_IN_ROLE_DEFINITION_IDS: Readonly<Record<string, string>> = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  'Storage Blob Delegator': 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  'Storage Account Key Operator Service Role': '81a9662b-bebf-436f-a333-f67b29880f12',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
};

/**
 * A GUID derived from `parts` (name-based, like a UUID v5 over SHA-256): a role assignment's name
 * must be a GUID, and a stable one makes a second `pulumi up` find the same assignment instead
 * of creating another (Azure refuses a duplicate with RoleAssignmentExists).
 */
export function deterministicGuid(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
