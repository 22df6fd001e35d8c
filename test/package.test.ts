import ts from 'typescript';
import { execFileSync } from 'node:child_process';
import * as publicApi from '../lib';
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
    for (const name of pulumiPackages) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.devDependencies[name], name).toBeDefined();
      expect(pkg.dependencies?.[name], name).toBeUndefined();
    }
    // Pinned exactly, and to a release that runs on the oldest Node this package supports
    // (@pulumi/pulumi 3.249 and newer need Node 22): the installed copy's engines must admit it.
    const pinned = pkg.devDependencies['@pulumi/pulumi'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = requireFromRoot('@pulumi/pulumi/package.json');
    expect(installed.version).toBe(pinned);
    const minimum = (range: string) => (/^>=\s*(\d+(?:\.\d+)*)$/.exec(range.trim())?.[1] ?? '').split('.').map(Number);
    const [ours, theirs] = [minimum(pkg.engines.node), minimum(installed.engines.node)];
    const cmp = [0, 1, 2].map((i) => (ours[i] ?? 0) - (theirs[i] ?? 0)).find((d) => d !== 0) ?? 0;
    expect(cmp, `engines.node ${pkg.engines.node} vs @pulumi/pulumi ${installed.engines.node}`).toBeGreaterThanOrEqual(
      0,
    );
  });

  it('takes cdk8s, cdk8s-plus-27 and constructs from the consumer (peers; pinned for its own tests)', () => {
    // Two copies of cdk8s or constructs break instanceof checks and the types a consumer passes in.
    expect(pkg.dependencies ?? {}).toEqual({});
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const [name, major] of [
      ['cdk8s', '2'],
      ['cdk8s-plus-27', '2'],
      ['constructs', '10'],
    ]) {
      expect(pkg.peerDependencies[name], name).toMatch(new RegExp(`^\\^${major}\\.`));
      expect(pkg.peerDependenciesMeta[name], name).toBeUndefined();
      expect(pkg.devDependencies[name], name).toBeDefined();
      // README states the supported major next to the name.
      expect(readme, name).toContain(`\`${name}\` ${major}`);
    }
  });

  it('publishes the compiled library and the docs README links to, without source maps to unshipped sources', () => {
    expect(pkg.files).toEqual(['build/lib/**', 'docs/**']);
    expect(pkg.main).toBe('build/lib/index.js');
    const build = JSON.parse(
      fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
    );
    expect(build.compilerOptions.sourceMap).toBe(false);
    expect(build.compilerOptions.declarationMap ?? false).toBe(false);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      if (/^https?:/.test(target)) continue;
      // A relative link must lead to a file the package ships.
      expect(target, target).toMatch(/^docs\//);
      expect(fs.existsSync(path.join(root, target)), target).toBe(true);
    }
  });

  it('ships its JavaScript as one bundle that both entry points share, beside the declarations', () => {
    const built = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const file = path.join(dir, e.name);
        return e.isDirectory() ? built(file) : [path.relative(root, file)];
      });
    const files = built(path.join(root, 'build/lib'));
    expect(files.filter((f) => f.endsWith('.js')).sort()).toEqual(
      [path.normalize('build/lib/index.js'), path.normalize('build/lib/pulumi/index.js')].sort(),
    );
    expect(files).toContain(path.normalize('build/lib/pulumi/stateful-stack.d.ts'));
    // A fresh process, as a consumer's: what each entry point loads, and that the two share classes.
    const probe = `
      const loaded = () => Object.keys(require.cache);
      const lib = require('aks-stateful');
      const afterMain = loaded();
      const layer = require('aks-stateful/pulumi');
      const problem = new lib.AksStatefulValidationError('app/x', 'field', 1, 'something else');
      console.log(JSON.stringify({
        mainLoadsPulumi: afterMain.some((f) => f.includes('@pulumi')),
        mainLoadsKplus: afterMain.some((f) => f.includes('cdk8s-plus-27')),
        layerLoadsPulumi: loaded().some((f) => f.includes('@pulumi/pulumi')),
        ours: loaded().filter((f) => f.startsWith(${JSON.stringify(path.join(root, 'build') + path.sep)})),
        shared: new layer.StatefulStackConfigError([problem]) instanceof lib.AksStatefulValidationErrors,
        names: [lib.ZonalStatefulSet.name, layer.StatefulStack.name],
      }));`;
    const report = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' }));
    expect(report).toEqual({
      mainLoadsPulumi: false,
      mainLoadsKplus: false,
      layerLoadsPulumi: true,
      ours: [path.join(root, 'build/lib/index.js'), path.join(root, 'build/lib/pulumi/index.js')],
      shared: true,
      names: ['ZonalStatefulSet', 'StatefulStack'],
    });
  }, 60_000);

  it('is licensed as it says, with a LICENSE file, and says what it is about', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s', 'aks', 'azure', 'kubernetes']));
  });

  it("runs in CI exactly README's two set-up commands", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const setUp = readme.slice(readme.indexOf('## Set up')).match(/```sh\n([\s\S]*?)```/)![1];
    const commands = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(/#.*$/, '').trim())
        .filter(Boolean);
    const ci = commands(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).filter(
      (line) => !line.startsWith('set ') && !line.startsWith('cd '),
    );
    expect(commands(setUp)).toEqual(['npm ci && npm run synth', 'npm test']);
    expect(ci).toEqual(commands(setUp));
  });

  it('runs no end-to-end test in test:unit, and installs what they need before npm test', () => {
    expect(pkg.scripts['test:unit']).toBe("vitest run --exclude 'test/**/e2e/**'");
    expect(pkg.scripts.pretest).toBe('bash scripts/install-system-deps.sh');
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('pins the majors that work on Node 20', () => {
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(deps['kubernetes-models']).toMatch(/^~?\^?4\.5/);
    expect(deps.vitest).toMatch(/^\^4\./);
    expect(deps.typescript).toMatch(/^~?6\./);
    expect(deps['cdk8s-plus-27']).toMatch(/2\.9/);
  });
});

/** Each top-level declaration of the library's emitted .d.ts files, by source file and name. */
function publicDeclarations(): { exports: Map<string, string>; declarationText: (name: string) => string } {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    types: ['node'],
  };
  const program = ts.createProgram([path.join(root, 'lib', 'index.ts')], options);
  const dts = new Map<string, ts.SourceFile>();
  program.emit(undefined, (file, text) => {
    const source = path.resolve(file).replace(/\.d\.ts$/, '.ts');
    dts.set(source, ts.createSourceFile(file, text, ts.ScriptTarget.ES2022));
  });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(root, 'lib', 'index.ts'))!;
  const exports = new Map<string, string>();
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.declarations![0];
    exports.set(symbol.name, `${path.resolve(declaration.getSourceFile().fileName)}#${target.name}`);
  }
  const declarationText = (name: string): string => {
    const [file, declared] = exports.get(name)!.split('#');
    const source = dts.get(file);
    if (!source) return '';
    return source.statements
      .filter((s) => {
        const named = s as ts.Statement & { name?: ts.Identifier };
        if (named.name?.text === declared) return true;
        return (
          ts.isVariableStatement(s) &&
          s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === declared)
        );
      })
      .map((s) => s.getText(source))
      .join('\n');
  };
  return { exports, declarationText };
}

describe('the public API', () => {
  const documentation = [
    fs.readFileSync(path.join(root, 'README.md'), 'utf8'),
    // The user documentation: docs/*.md (docs/research/ holds measured notes, not reference).
    ...fs
      .readdirSync(path.join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => fs.readFileSync(path.join(root, 'docs', f), 'utf8')),
  ].join('\n');
  const documented = (name: string) => new RegExp(`\\b${name}\\b`).test(documentation);

  it('is exported by name from every entry point (no export *)', () => {
    for (const file of ['lib/index.ts', 'lib/ark/index.ts', 'lib/backup/index.ts', 'lib/pulumi/index.ts']) {
      expect(fs.readFileSync(path.join(root, file), 'utf8'), file).not.toMatch(/export \*/);
    }
  });

  it('keeps the helpers the constructs share internal', () => {
    const lib: Record<string, unknown> = { ...publicApi };
    for (const helper of [
      'invalid',
      'pathOf',
      'formatValue',
      'resolveClaimTemplates',
      'renderClaimTemplate',
      'requirementKey',
      'providedConfigKey',
      'declareAzureRequirement',
      'zoneAffinity',
      'zoneSpread',
      'storageClassName',
      'smbMountOptions',
    ]) {
      expect(lib[helper], helper).toBeUndefined();
    }
  });

  it('exports at run time only what README.md or docs/ names', () => {
    const lib: Record<string, unknown> = { ...publicApi };
    const undocumented = Object.keys(lib).filter((name) => !documented(name));
    expect(undocumented).toEqual([]);
  });

  it('exports only types that a documented export names in its declaration (or the docs name)', () => {
    const { exports, declarationText } = publicDeclarations();
    const reached = new Set([...exports.keys()].filter(documented));
    const queue = [...reached];
    while (queue.length > 0) {
      const text = declarationText(queue.pop()!);
      for (const name of exports.keys()) {
        if (!reached.has(name) && new RegExp(`\\b${name}\\b`).test(text)) {
          reached.add(name);
          queue.push(name);
        }
      }
    }
    // An alias (VeleroInstallationProps for ArkInstallationProps) is public with the name it stands for.
    const declaredName = (name: string) => exports.get(name)!.split('#')[1];
    const unreached = [...exports.keys()].filter((name) => !reached.has(name) && !reached.has(declaredName(name)));
    expect(unreached).toEqual([]);
    expect([...exports.keys()].filter((name) => name.startsWith('Resolved'))).toEqual([]);
  }, 120_000);
});
