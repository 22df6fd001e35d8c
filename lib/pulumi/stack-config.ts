import * as pulumi from '@pulumi/pulumi';

/** Namespace of the layer's own Pulumi config keys (`aks-stateful:<key>`), in any project. */
export const CONFIG_NAMESPACE = 'aks-stateful';

/** The config object holding service principals' object ids, by client id. */
export const SERVICE_PRINCIPAL_OBJECT_IDS_KEY = 'servicePrincipalObjectIds';

/** The command that sets a provided Secret value, for error messages and docs. */
export function setSecretCommand(key: string): string {
  return `pulumi config set --secret ${CONFIG_NAMESPACE}:${key} <value>`;
}

/** The command that records a service principal's object id. */
export function setObjectIdCommand(clientId: string): string {
  return `pulumi config set --path '${CONFIG_NAMESPACE}:${SERVICE_PRINCIPAL_OBJECT_IDS_KEY}["${clientId}"]' "$(az ad sp show --id ${clientId} --query id -o tsv)"`;
}

/** A provided Secret value from secret config, or undefined when it is not set. */
export function providedValue(key: string): pulumi.Output<string> | undefined {
  return new pulumi.Config(CONFIG_NAMESPACE).getSecret(key);
}

/** Service principal object ids from config (`aks-stateful:servicePrincipalObjectIds`). */
export function configuredObjectIds(): Record<string, string> {
  return new pulumi.Config(CONFIG_NAMESPACE).getObject<Record<string, string>>(SERVICE_PRINCIPAL_OBJECT_IDS_KEY) ?? {};
}

/** The region the azure-native provider is configured with (`azure-native:location`, or `ARM_LOCATION` as the provider reads it). */
export function configuredLocation(): string | undefined {
  return new pulumi.Config('azure-native').get('location') ?? (process.env.ARM_LOCATION || undefined);
}
