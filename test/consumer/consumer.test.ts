import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeSnippets } from './readme-snippets';

const root = path.resolve(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const versionOf = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/** The settings README tells consumers the package supports. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    exactOptionalPropertyTypes: true,
    // cdk8s-plus-27's own declarations do not compile without it.
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
};

/**
 * A project of its own that depends on the packed tarball, as a team's would: the package comes
 * from `npm pack` (which builds it), the peers are the consumer's own installs.
 */
describe('a consumer project built from npm pack', () => {
  let project = '';
  const programs = readmeSnippets(root).filter((s) => !s.pulumi);

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-consumer-'));
    execFileSync(npm, ['pack', '--silent', '--pack-destination', project], { cwd: root, stdio: 'pipe' });
    const tarball = fs.readdirSync(project).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${project}`);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        dependencies: {
          'aks-stateful': `file:./${tarball}`,
          // The versions this repository tests with; npm's cache has them after `npm ci`.
          cdk8s: versionOf('cdk8s'),
          'cdk8s-plus-27': versionOf('cdk8s-plus-27'),
          constructs: versionOf('constructs'),
          '@types/node': versionOf('@types/node'),
          tsx: versionOf('tsx'),
        },
      }),
    );
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: project,
      stdio: 'pipe',
    });
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    fs.mkdirSync(path.join(project, 'src'));
    for (const s of programs) fs.writeFileSync(path.join(project, 'src', `${s.name}.ts`), s.code);
  }, 300_000);

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it('uses its own cdk8s, cdk8s-plus-27 and constructs (peers, never a second copy)', () => {
    const installed = path.join(project, 'node_modules', 'aks-stateful');
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
    for (const peer of ['cdk8s', 'cdk8s-plus-27', 'constructs']) {
      const fromPackage = require.resolve(peer, { paths: [path.join(installed, 'build', 'lib')] });
      expect(fromPackage, peer).toBe(require.resolve(peer, { paths: [project] }));
      expect(fromPackage.startsWith(path.join(project, 'node_modules', peer) + path.sep), peer).toBe(true);
    }
  });

  it("compiles README's programs with strict, exactOptionalPropertyTypes and skipLibCheck", () => {
    expect(programs.length).toBeGreaterThanOrEqual(4);
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`the consumer does not compile:\n${(error as { stdout?: Buffer }).stdout?.toString()}`);
    }
  }, 120_000);

  it("synthesizes README's minimal app with README's cdk8s.yaml and `cdk8s synth --no-check-upgrade`", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use it in your own project'));
    const main = section.match(/```ts\n([\s\S]*?)```/)?.[1];
    const cdk8sYaml = section.match(/```yaml\n([\s\S]*?)```/)?.[1];
    expect(main, 'the minimal app').toBeDefined();
    expect(cdk8sYaml, 'its cdk8s.yaml').toContain('app: npx tsx main.ts');
    fs.writeFileSync(path.join(project, 'main.ts'), main!);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), cdk8sYaml!);
    // The CLI is this repository's (the same cdk8s-cli README installs); the app runs on the consumer's tsx.
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'],
      {
        cwd: project,
        stdio: 'pipe',
      },
    );
    const objects = parseAllDocuments(fs.readFileSync(path.join(project, 'dist', 'orders.k8s.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['StorageClass', 'StatefulSet']));
  }, 120_000);

  it("runs README's programs from the compiled JavaScript and synthesizes their charts", () => {
    for (const s of programs) {
      const dist = path.join(project, 'dist-programs', s.name);
      execFileSync(process.execPath, [path.join(project, 'out', `${s.name}.js`)], {
        cwd: project,
        stdio: 'pipe',
        env: { ...process.env, CDK8S_OUTDIR: dist },
      });
      const objects = fs
        .readdirSync(dist)
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJS()))
        .filter(Boolean);
      expect(objects.length, s.name).toBeGreaterThan(0);
    }
  }, 120_000);
});
