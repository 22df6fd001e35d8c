// ArkInstallation (Velero) constructs: re-exports only.
export {};
