import { ApiObject, Names } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The name cdk8s would generate for `scope` (at most `maxLen` characters), honouring the chart's
 * `disableResourceNameHashes`. The chart keeps that setting private, so it is read from the name the
 * chart gives a probe object, which is removed again before synthesis could see it.
 */
export function generatedName(scope: IConstruct, maxLen: number): string {
  const id = 'NameProbe';
  const probe = new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap' });
  const hashed = probe.name === Names.toDnsLabel(probe);
  scope.node.tryRemoveChild(id);
  const unhashed = Names.toDnsLabel(scope, { includeHash: false });
  // A name cut to fit needs its hash to stay unique, hashes disabled or not.
  return hashed || unhashed.length > maxLen ? Names.toDnsLabel(scope, { maxLen }) : unhashed;
}
