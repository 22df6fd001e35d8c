import * as pulumi from '@pulumi/pulumi';

/** One registerResource request as the engine would receive it, options included. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  readonly provider: string;
  /** URNs of every resource this one waits for (resolved dependsOn and inputs' dependencies). */
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly inputs: Record<string, any>;
}

/** Values the mocks hand out for secrets, so a test can look for them everywhere else. */
export const SECRET_MARKERS = {
  accountKey: (account: string) => `mock-account-key-of-${account}-5ecret`,
  password: 'mock-generated-password-5ecret',
  provided: 'mock-provided-value-5ecret',
};

export const MOCK_SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const MOCK_TENANT = '99999999-8888-7777-6666-555555555555';

function outputsOf(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  const state: Record<string, any> = { ...args.inputs };
  const rg = args.inputs.resourceGroupName;
  switch (args.type) {
    case 'azure-native:storage:StorageAccount':
      state.name = args.inputs.accountName;
      state.id = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${args.inputs.accountName}`;
      state.primaryEndpoints = { blob: `https://${args.inputs.accountName}.blob.core.windows.net/` };
      break;
    case 'azure-native:storage:BlobContainer':
      state.id = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${args.inputs.accountName}/blobServices/default/containers/${args.inputs.containerName}`;
      break;
    case 'azure-native:managedidentity:UserAssignedIdentity':
      state.name = args.inputs.resourceName;
      state.clientId = `client-id-of-${args.inputs.resourceName}`;
      state.principalId = `principal-id-of-${args.inputs.resourceName}`;
      break;
    case 'random:index/randomPassword:RandomPassword':
      state.result = SECRET_MARKERS.password;
      break;
  }
  return state;
}

/**
 * Installs Pulumi mocks that record every registration (with the options the mocks themselves
 * never see) and answer only the invokes the layer is meant to make; any other invoke throws.
 */
export async function installMocks(
  config: Record<string, string> = {},
  secretKeys: string[] = [],
): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = outputsOf(args);
        // Azure resource ids are ARM paths; role assignment scopes are built from them.
        return { id: typeof state.id === 'string' ? state.id : `${args.name}-id`, state };
      },
      call: (args) => {
        switch (args.token) {
          case 'azure-native:authorization:getClientConfig':
            return {
              subscriptionId: MOCK_SUBSCRIPTION,
              tenantId: MOCK_TENANT,
              clientId: 'deployer',
              objectId: 'deployer-object',
            };
          case 'azure-native:storage:listStorageAccountKeys':
            return {
              keys: [
                { keyName: 'key1', permissions: 'FULL', value: SECRET_MARKERS.accountKey(args.inputs.accountName) },
              ],
            };
          default:
            throw new Error(`unexpected invoke ${args.token}`);
        }
      },
    },
    'project',
    'stack',
    false,
  );
  const monitor: any = pulumi.runtime.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    const type = req.getType();
    const name = req.getName();
    recorded.push({
      type,
      name,
      urn: monitor.newUrn(req.getParent(), type, name),
      parent: req.getParent(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      inputs: pulumi.runtime.deserializeProperties(req.getObject()),
    });
    return register(req, callback);
  };
  return recorded;
}

/** Waits until no resource has been registered for a while (children register asynchronously). */
export async function settle(recorded: readonly RecordedResource[], quietMs = 300, maxMs = 30_000): Promise<void> {
  const start = Date.now();
  let count = -1;
  while (count !== recorded.length && Date.now() - start < maxMs) {
    count = recorded.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** The registered resources of one type. */
export function ofType(recorded: readonly RecordedResource[], type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

/** The one resource of `type` whose name ends with `suffix`; fails when there is none or several. */
export function one(recorded: readonly RecordedResource[], type: string, suffix: string): RecordedResource {
  const found = recorded.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1)
    throw new Error(
      `${found.length} resources of type ${type} named *${suffix}: ${recorded
        .filter((r) => r.type === type)
        .map((r) => r.name)
        .join(', ')}`,
    );
  return found[0];
}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Whether a deserialized input value is a Pulumi secret. */
export function isSecret(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === '1b47061264138c4ac30d75fd1eb44270'
  );
}

/** A deserialized input with secrets unwrapped, for reading values in assertions. */
export function unwrap(value: any): any {
  if (isSecret(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  return value;
}
