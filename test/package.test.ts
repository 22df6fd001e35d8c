import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the npm package', () => {
  it('resolves through its exports map to the compiled library with declarations (npm test builds first)', () => {
    // Node resolves a package's own name through its exports map (self-reference).
    const requireFromRoot = createRequire(path.join(root, 'package.json'));
    const entry = requireFromRoot.resolve('aks-stateful');
    expect(path.relative(root, entry)).toBe(path.normalize('build/lib/index.js'));
    expect(fs.existsSync(path.join(root, pkg.exports['.'].types))).toBe(true);
    const lib = requireFromRoot('aks-stateful');
    for (const name of [
      'AzureDiskStorageClass',
      'AzureFileStorageClass',
      'StaticAzureFileShare',
      'ZonalStatefulSet',
      'PostgresSingleton',
      'StorageSize',
      'listAzureRequirements',
    ]) {
      expect(typeof lib[name], name).toBe('function');
    }
  });

  it('publishes the Pulumi layer as its own entry point, with the Pulumi packages as optional peers', () => {
    const requireFromRoot = createRequire(path.join(root, 'package.json'));
    expect(path.relative(root, requireFromRoot.resolve('aks-stateful/pulumi'))).toBe(
      path.normalize('build/lib/pulumi/index.js'),
    );
    expect(fs.existsSync(path.join(root, pkg.exports['./pulumi'].types))).toBe(true);
    const layer = requireFromRoot('aks-stateful/pulumi');
    for (const name of [
      'StatefulStack',
      'StorageAccount',
      'WorkloadIdentity',
      'DeclaredSecret',
      'Manifests',
      'StatefulStackConfigError',
    ]) {
      expect(typeof layer[name], name).toBe('function');
    }
    const pulumiPackages = ['@pulumi/pulumi', '@pulumi/azure-native', '@pulumi/kubernetes', '@pulumi/random'];
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...pulumiPackages].sort());
    for (const name of pulumiPackages) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.devDependencies[name], name).toBeDefined();
      expect(pkg.dependencies[name], name).toBeUndefined();
    }
    // 3.249 and newer need Node 22.
    expect(pkg.devDependencies['@pulumi/pulumi']).toBe('3.248.0');
  });

  it('publishes only the compiled library', () => {
    expect(pkg.files).toEqual(['build/lib/**']);
    expect(pkg.main).toBe('build/lib/index.js');
  });

  it('pins the majors that work on Node 20', () => {
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(deps['kubernetes-models']).toMatch(/^~?\^?4\.5/);
    expect(deps.vitest).toMatch(/^\^4\./);
    expect(deps.typescript).toMatch(/^~?6\./);
    expect(deps['cdk8s-plus-27']).toMatch(/2\.9/);
  });
});
