import { App } from 'cdk8s';

/** Adds the Velero (Heptio Ark) example charts: the primary cluster and the read-only restore cluster. */
export function addArkExamples(_app: App): void {
  // Filled in by the ArkInstallation work.
}
