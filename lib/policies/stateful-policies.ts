import { IConstruct } from 'constructs';
import { appCheckProblems, registerAppCheck, requestAppChecks } from '../core/app-checks';
import { AksStatefulValidationError } from '../core/errors';
import { checkConstruct } from '../core/types';
import { azureRequirementConflicts } from '../azure/requirements';
import { databasesOnFiles } from './database-on-files';
import { deprecatedKeys } from './deprecated-keys';
import { duplicateObjects } from './duplicate-objects';
import { manifestsOf } from './manifests';
import { sharedSingleWriterClaims } from './multi-attach';
import { removedApiVersions } from './removed-apis';
import { zonalDisksBoundEarly } from './zonal-binding';

/** The checks over the app's synthesized objects, in the order their problems are listed. */
const MANIFEST_CHECKS = [
  duplicateObjects,
  removedApiVersions,
  deprecatedKeys,
  sharedSingleWriterClaims,
  databasesOnFiles,
  zonalDisksBoundEarly,
];

/**
 * Every problem the app-wide checks find under `root`, each an {@link AksStatefulValidationError}
 * naming the offending object's construct path, the field, the value and what is allowed: two
 * objects with one identity, API versions Kubernetes 1.33 does not serve, deprecated label and
 * annotation keys, several pods on one ReadWriteOnce claim, a database on Azure Files, zonal disks
 * bound before their pods are scheduled, and contradicting Azure requirements. Synthesis throws
 * them together (see {@link enableStatefulPolicies}); this returns them, for tests and tools.
 */
export function statefulPolicyProblems(root: IConstruct): AksStatefulValidationError[] {
  return appCheckProblems(checkConstruct('statefulPolicyProblems', 'root', root));
}

/**
 * Turns on the app-wide checks for the whole app that `scope` belongs to (once per app): when the
 * app or a chart is synthesized they throw one `AksStatefulValidationErrors` listing every problem
 * (see {@link statefulPolicyProblems}). Every construct of this library, `markForFsBackup`,
 * `excludeFromFsBackup` and `declareAzureRequirement` turn them on; an app made only of the team's
 * own objects calls this once, with the app or any construct in it.
 */
export function enableStatefulPolicies(scope: IConstruct): void {
  requestAppChecks(checkConstruct('enableStatefulPolicies', 'scope', scope));
}

registerAppCheck('manifests', (root) => {
  const manifests = manifestsOf(root);
  return MANIFEST_CHECKS.flatMap((check) => check(manifests));
});
registerAppCheck('azure-requirements', (root) => azureRequirementConflicts(root));
