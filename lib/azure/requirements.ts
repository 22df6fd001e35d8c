import { IConstruct } from 'constructs';
import { AksStatefulValidationErrors } from '../core/aggregate-error';
import { requestAppChecks } from '../core/app-checks';
import { AksStatefulValidationError, invalid, pathOf } from '../core/errors';
import { checkBlobContainerName, checkFileShareName, checkResourceGroupName, checkStorageAccountName } from './names';
import { checkBlobPrefix } from './blob-prefix';
import { checkDataKey } from '../core/names';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';
import { isGuid } from '../core/values';
import {
  AzureRequirement,
  BlobLifecycleRule,
  ListedAzureRequirement,
  RoleAssignment,
  SecretValuePart,
  SecretValueSource,
} from './requirement-types';

/**
 * What a service account's `azure.workload.identity/client-id` annotation holds when the client id
 * was left out: the Pulumi layer overwrites it with the managed identity's client id. Applied by
 * hand, the pods fail to sign in (the scripts say so) instead of using a wrong identity.
 */
export const CLIENT_ID_SET_AT_DEPLOY = 'set-at-deploy-time-by-aks-stateful-pulumi';

/** Metadata type under which requirements are stored on the construct that declares them. */
export const AZURE_REQUIREMENT_METADATA = 'aks-stateful/azure-requirement';

/**
 * Declares that `scope` needs `requirement` in Azure. Names are validated here, so a bad account
 * or container name fails at construction with the declaring construct's path; a declaration that
 * contradicts another (one share, two quotas) fails the app's synthesis, naming both declarers.
 */
export function declareAzureRequirement(scope: IConstruct, requirement: AzureRequirement): void {
  checkRequirement(scope, requirement);
  // Contradicting declarations fail at synth, not only when the requirements are listed.
  requestAppChecks(scope);
  scope.node.addMetadata(AZURE_REQUIREMENT_METADATA, requirement);
}

function checkRequirement(scope: IConstruct, req: AzureRequirement): void {
  switch (req.kind) {
    case 'storageAccount':
      checkStorageAccountName(scope, 'storage account', req.account);
      if (req.resourceGroup !== undefined) checkResourceGroupName(scope, 'resourceGroup', req.resourceGroup);
      return;
    case 'blobContainer':
      checkStorageAccountName(scope, 'storage account', req.account);
      checkBlobContainerName(scope, 'blob container', req.container);
      for (const rule of req.lifecycleRules ?? []) checkLifecycleRule(scope, rule);
      return;
    case 'fileShare':
      checkStorageAccountName(scope, 'storage account', req.account);
      checkFileShareName(scope, 'file share', req.share);
      if (!Number.isInteger(req.quotaGiB) || req.quotaGiB < 1 || req.quotaGiB > 102400) {
        invalid(scope, 'share quota (GiB)', req.quotaGiB, 'a whole number of GiB from 1 to 102400');
      }
      return;
    case 'kubernetesSecret':
      checkDnsLabel(scope, 'secret namespace', req.namespace);
      checkDnsSubdomain(scope, 'secret name', req.name);
      if (Object.keys(req.keys).length === 0) invalid(scope, 'secret keys', req.keys, 'at least one key');
      for (const [key, source] of Object.entries(req.keys)) checkSecretSource(scope, key, source);
      return;
    case 'servicePrincipalRoles':
      if (!isGuid(req.clientId)) {
        invalid(scope, 'service principal client id', req.clientId, 'a GUID like 00000000-0000-0000-0000-000000000000');
      }
      return;
    case 'workloadIdentity':
      checkDnsLabel(scope, 'service account namespace', req.namespace);
      checkDnsSubdomain(scope, 'service account', req.serviceAccount);
      if (!/^[a-zA-Z0-9][-\w]{2,127}$/.test(req.identity)) {
        invalid(
          scope,
          'managed identity name',
          req.identity,
          "3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
        );
      }
      return;
  }
}

function checkLifecycleRule(scope: IConstruct, rule: BlobLifecycleRule): void {
  if (!Number.isInteger(rule.deleteAfterDays) || rule.deleteAfterDays < 1 || rule.deleteAfterDays > 36500) {
    invalid(scope, 'retention (days)', rule.deleteAfterDays, 'a whole number of days from 1 to 36500');
  }
  checkBlobPrefix(scope, 'blob prefix', rule.prefix, { trailingSlash: true });
}

function checkSecretSource(scope: IConstruct, key: string, source: SecretValueSource): void {
  checkDataKey(scope, 'secret key', key);
  if (source.from !== 'dotenv') {
    checkSecretPart(scope, `secret key ${key}`, source);
    return;
  }
  if (Object.keys(source.variables).length === 0)
    invalid(scope, `secret key ${key}: variables`, source.variables, 'at least one variable');
  for (const [name, part] of Object.entries(source.variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      invalid(
        scope,
        `secret key ${key}: variable`,
        name,
        'an environment variable name: letters, digits and _, not starting with a digit',
      );
    checkSecretPart(scope, `secret key ${key}: ${name}`, part);
  }
}

const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

function checkSecretPart(scope: IConstruct, field: string, part: SecretValuePart): void {
  switch (part.from) {
    case 'storageAccountName':
    case 'storageAccountKey':
      checkStorageAccountName(scope, `${field}: storage account`, part.account);
      return;
    case 'generatedPassword':
      if (!Number.isInteger(part.length) || part.length < 16 || part.length > 128) {
        invalid(scope, `${field}: password length`, part.length, 'a whole number from 16 to 128');
      }
      return;
    case 'provided':
      if (part.configKey !== undefined && !CONFIG_KEY.test(part.configKey)) {
        invalid(
          scope,
          `${field}: configKey`,
          part.configKey,
          "a Pulumi config key: a letter, then letters, digits, '-' or '_', at most 128 characters",
        );
      }
      return;
    case 'literal':
      // A dotenv line ends at a newline: a value with one would smuggle in another variable.
      if (typeof part.value !== 'string' || /[\r\n]/.test(part.value))
        invalid(scope, `${field}: value`, part.value, 'a single-line string');
      return;
    case 'subscriptionId':
    case 'tenantId':
    case 'clusterNodeResourceGroup':
      return;
    default:
      invalid(
        scope,
        `${field}: from`,
        (part as { from: unknown }).from,
        'one of storageAccountName, storageAccountKey, generatedPassword, provided, subscriptionId, tenantId, clusterNodeResourceGroup, literal',
      );
  }
}

/**
 * The Pulumi config key (in namespace `aks-stateful`) that holds a `provided` Secret value: the
 * part's own `configKey`, or `<namespace>-<secret name>-<key>` with every other character as '-'.
 */
export function providedConfigKey(
  secret: { readonly namespace: string; readonly name: string },
  key: string,
  part: { readonly configKey?: string },
): string {
  return part.configKey ?? `${secret.namespace}-${secret.name}-${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Every plain part of a Secret value (a dotenv value's variables, or the value itself). */
export function secretValueParts(source: SecretValueSource): SecretValuePart[] {
  return source.from === 'dotenv' ? Object.values(source.variables) : [source];
}

/** One role grant's identity, whatever the key order of the object that declares it. */
export function roleKey(role: RoleAssignment): string {
  const scope = role.scope;
  const where =
    scope.type === 'resourceGroup'
      ? `rg/${scope.resourceGroup}`
      : scope.type === 'storageAccount'
        ? `account/${scope.account}`
        : `container/${scope.account}/${scope.container}`;
  return `${role.role}\u0000${where}`;
}

/** The requirement's identity: two declarations with the same key are one Azure resource. */
export function requirementKey(req: AzureRequirement): string {
  switch (req.kind) {
    case 'storageAccount':
      return `storageAccount:${req.account}`;
    case 'blobContainer':
      return `blobContainer:${req.account}/${req.container}`;
    case 'fileShare':
      return `fileShare:${req.account}/${req.share}`;
    case 'kubernetesSecret':
      return `kubernetesSecret:${req.namespace}/${req.name}`;
    case 'workloadIdentity':
      return `workloadIdentity:${req.namespace}/${req.serviceAccount}`;
    case 'servicePrincipalRoles':
      return `servicePrincipalRoles:${req.clientId.toLowerCase()}`;
  }
}

/** Storage accounts that a requirement uses without declaring them itself. */
function impliedAccounts(req: AzureRequirement): string[] {
  switch (req.kind) {
    case 'blobContainer':
    case 'fileShare':
      return [req.account];
    case 'kubernetesSecret':
      return Object.values(req.keys)
        .flatMap(secretValueParts)
        .flatMap((s) => (s.from === 'storageAccountKey' || s.from === 'storageAccountName' ? [s.account] : []));
    case 'workloadIdentity':
    case 'servicePrincipalRoles':
      return req.roles.flatMap((r) => (r.scope.type === 'resourceGroup' ? [] : [r.scope.account]));
    default:
      return [];
  }
}

/**
 * Every Azure requirement declared under `root` (or several roots, such as the charts one stack
 * deploys), one entry per distinct resource, in a stable
 * order (storage accounts, containers, shares, identities, secrets). Declarations of the same
 * resource are merged; contradictory ones (one share with two quotas, one Secret key filled from
 * two places) are an error naming both constructs: an {@link AksStatefulValidationError}, or
 * {@link AksStatefulValidationErrors} listing every contradiction when there are several. The
 * app-wide checks report the same contradictions when the app is synthesized.
 */
export function listAzureRequirements(root: IConstruct | readonly IConstruct[]): ListedAzureRequirement[] {
  const { merged, conflicts } = mergeAzureRequirements(root);
  if (conflicts.length === 1) throw conflicts[0];
  if (conflicts.length > 1) throw new AksStatefulValidationErrors(conflicts, 'in the Azure requirements');
  const order = [
    'storageAccount',
    'blobContainer',
    'fileShare',
    'workloadIdentity',
    'servicePrincipalRoles',
    'kubernetesSecret',
  ];
  return [...merged.entries()]
    .map(([key, entry]) => ({ ...finished(entry), key, declaredBy: [...entry.by].sort() }) as ListedAzureRequirement)
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.key.localeCompare(b.key));
}

/**
 * Every contradiction between Azure requirements declared under `root`, each naming both declarers.
 * The app-wide check of every synthesis: it merges but does not build the sorted listing (the
 * first `localeCompare` alone loads ICU's collation data, about 6 ms).
 */
export function azureRequirementConflicts(root: IConstruct | readonly IConstruct[]): AksStatefulValidationError[] {
  return mergeAzureRequirements(root).conflicts;
}

function mergeAzureRequirements(root: IConstruct | readonly IConstruct[]): {
  merged: ReadonlyMap<string, Entry>;
  conflicts: AksStatefulValidationError[];
} {
  // Linear in the declarations: declarers in a Set, rules and roles merged into maps as they come.
  const merged = new Map<string, Entry>();
  const conflicts: AksStatefulValidationError[] = [];
  const add = (req: AzureRequirement, by: string, implied: Implied = 'declared') => {
    const key = requirementKey(req);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, newEntry(req, by, implied));
      return;
    }
    mergeInto(key, existing, req, by, conflicts);
    vote(existing, req, implied);
    existing.by.add(by);
  };
  const roots: readonly IConstruct[] = Array.isArray(root) ? root : [root as IConstruct];
  for (const node of roots.flatMap((r) => r.node.findAll())) {
    for (const entry of node.node.metadata) {
      if (entry.type !== AZURE_REQUIREMENT_METADATA) continue;
      add(entry.data as AzureRequirement, pathOf(node));
    }
  }
  for (const entry of [...merged.values()]) {
    const req = finished(entry);
    // An existing container implies an existing account; a new one says nothing about its account.
    const implied: Implied = req.kind === 'blobContainer' && req.existing ? 'byExisting' : 'noSay';
    for (const account of new Set(impliedAccounts(req))) {
      for (const path of entry.by) add({ kind: 'storageAccount', account }, path, implied);
    }
  }
  return { merged, conflicts };
}

/** One requirement being merged: its declarers, and the lists that grow with every declaration. */
interface Entry {
  req: AzureRequirement;
  readonly by: Set<string>;
  /** `existing` votes of accounts and containers: it exists when some say so and none asks to create it. */
  readonly votes: { existing: boolean; create: boolean };
  readonly rules: Map<string, BlobLifecycleRule>;
  readonly roles: Map<string, RoleAssignment>;
}

function newEntry(req: AzureRequirement, by: string, implied: Implied): Entry {
  const entry: Entry = {
    req,
    by: new Set([by]),
    votes: { existing: false, create: false },
    rules: new Map(),
    roles: new Map(),
  };
  vote(entry, req, implied);
  if (req.kind === 'blobContainer') for (const rule of req.lifecycleRules ?? []) entry.rules.set(rule.prefix, rule);
  if (req.kind === 'workloadIdentity' || req.kind === 'servicePrincipalRoles')
    for (const role of req.roles) entry.roles.set(roleKey(role), role);
  return entry;
}

/**
 * How a declaration counts for `existing`: a declared account or container votes for what it says;
 * an account implied by an existing container votes `existing`; any other implied one has no say
 * (with no votes at all, it is created).
 */
type Implied = 'declared' | 'byExisting' | 'noSay';

function vote(entry: Entry, req: AzureRequirement, implied: Implied): void {
  if (req.kind !== 'storageAccount' && req.kind !== 'blobContainer') return;
  if (implied === 'noSay') return;
  const existing = implied === 'declared' ? req.existing === true : implied === 'byExisting';
  if (existing) entry.votes.existing = true;
  else entry.votes.create = true;
}

/** The entry as one requirement, its rules and roles in first-declared order. */
function finished(entry: Entry): AzureRequirement {
  const req = withoutExisting(entry.req);
  if ((req.kind === 'storageAccount' || req.kind === 'blobContainer') && entry.votes.existing && !entry.votes.create) {
    return finishedLists(entry, { ...req, existing: true });
  }
  return finishedLists(entry, req);
}

function withoutExisting(req: AzureRequirement): AzureRequirement {
  if ((req.kind === 'storageAccount' || req.kind === 'blobContainer') && 'existing' in req) {
    const rest: Record<string, unknown> = { ...req };
    delete rest.existing;
    return rest as unknown as AzureRequirement;
  }
  return req;
}

function finishedLists(entry: Entry, req: AzureRequirement): AzureRequirement {
  if (req.kind === 'blobContainer')
    return entry.rules.size > 0 ? { ...req, lifecycleRules: [...entry.rules.values()] } : req;
  if (req.kind === 'workloadIdentity' || req.kind === 'servicePrincipalRoles')
    return { ...req, roles: [...entry.roles.values()] };
  return req;
}

/** The contradiction between an earlier declaration (`a`, by `byA`) and a later one (`b`, by `byB`). */
function conflict(
  key: string,
  field: string,
  a: unknown,
  b: unknown,
  byA: ReadonlySet<string>,
  byB: string,
): AksStatefulValidationError {
  return new AksStatefulValidationError(
    byB,
    `${field} of ${key}`,
    b,
    `the same value as declared by ${[...byA].join(', ')} (${JSON.stringify(a)}): one Azure resource cannot have two`,
  );
}

function mergeInto(
  key: string,
  entry: Entry,
  b: AzureRequirement,
  byB: string,
  conflicts: AksStatefulValidationError[],
): void {
  const a = entry.req;
  const report = (error: AksStatefulValidationError) => conflicts.push(error);
  const byA = entry.by;
  if (a.kind === 'storageAccount' && b.kind === 'storageAccount') {
    // An account implied by a container carries no settings; an explicit declaration wins.
    for (const field of ['sku', 'accountKind', 'resourceGroup'] as const) {
      if (a[field] !== undefined && b[field] !== undefined && a[field] !== b[field])
        report(conflict(key, field, a[field], b[field], byA, byB));
    }
    if (b.sku !== undefined || b.accountKind !== undefined || b.resourceGroup !== undefined)
      entry.req = { ...a, ...stripUndefined(b), ...stripUndefined(a) };
  } else if (a.kind === 'blobContainer' && b.kind === 'blobContainer') {
    for (const rule of b.lifecycleRules ?? []) {
      const seen = entry.rules.get(rule.prefix);
      if (seen && seen.deleteAfterDays !== rule.deleteAfterDays) {
        report(
          conflict(key, `retention of prefix "${rule.prefix}"`, seen.deleteAfterDays, rule.deleteAfterDays, byA, byB),
        );
        continue;
      }
      entry.rules.set(rule.prefix, rule);
    }
  } else if (a.kind === 'fileShare' && b.kind === 'fileShare') {
    if (a.quotaGiB !== b.quotaGiB) report(conflict(key, 'quotaGiB', a.quotaGiB, b.quotaGiB, byA, byB));
    if ((a.protocol ?? 'SMB') !== (b.protocol ?? 'SMB'))
      report(conflict(key, 'protocol', a.protocol, b.protocol, byA, byB));
  } else if (a.kind === 'kubernetesSecret' && b.kind === 'kubernetesSecret') {
    for (const [name, source] of Object.entries(b.keys)) {
      const other = a.keys[name];
      if (other && JSON.stringify(other) !== JSON.stringify(source))
        report(conflict(key, `key "${name}"`, other, source, byA, byB));
    }
    if (Object.keys(b.keys).some((name) => !(name in a.keys))) entry.req = { ...a, keys: { ...a.keys, ...b.keys } };
  } else if (
    (a.kind === 'workloadIdentity' && b.kind === 'workloadIdentity') ||
    (a.kind === 'servicePrincipalRoles' && b.kind === 'servicePrincipalRoles')
  ) {
    if (a.kind === 'workloadIdentity' && b.kind === 'workloadIdentity' && a.identity !== b.identity)
      report(conflict(key, 'identity', a.identity, b.identity, byA, byB));
    for (const role of b.roles) entry.roles.set(roleKey(role), role);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
