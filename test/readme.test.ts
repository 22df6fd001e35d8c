import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { assertValidManifests } from './support/validate-manifests';
import { readmeSnippets } from './consumer/readme-snippets';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'test', '.readme-snippets');

describe('README', () => {
  const all = readmeSnippets(root);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const s of all) fs.writeFileSync(path.join(outDir, `${s.name}.ts`), s.code);

  it('has TypeScript examples for every construct family', () => {
    const text = all.map((s) => s.code).join('\n');
    for (const name of [
      'AzureDiskStorageClass',
      'StaticAzureFileShare',
      'ZonalStatefulSet',
      'PostgresSingleton',
      'BackupCronJob',
      'ArkInstallation',
    ]) {
      expect(text, name).toContain(name);
    }
  });

  it('examples are complete programs that type-check as pasted (aks-stateful mapped to lib/)', () => {
    const tsconfig = path.join(outDir, 'tsconfig.json');
    fs.writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: '../../tsconfig.json',
        // Unused names are the reader's business; undeclared ones (a `chart` from nowhere) are not.
        compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false, rootDir: '../..' },
        include: ['*.ts'],
        exclude: [],
      }),
    );
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (error) {
      throw new Error(`README examples do not compile:\n${(error as { stdout?: Buffer }).stdout?.toString()}`);
    }
  }, 120_000);

  for (const s of all.filter((snippet) => !snippet.pulumi)) {
    it(`${s.name} runs and synthesizes valid manifests (${
      s.code
        .match(/import \{([^}]*)\} from 'aks-stateful'/)?.[1]
        ?.trim()
        .split(/\s*,\s*/)[0]
    } ...)`, () => {
      const dist = fs.mkdtempSync(path.join(os.tmpdir(), `aks-stateful-readme-${s.name}-`));
      try {
        execFileSync(
          process.execPath,
          [
            require.resolve('tsx/cli'),
            '--tsconfig',
            path.join(root, 'tsconfig.json'),
            path.join(outDir, `${s.name}.ts`),
          ],
          { cwd: root, stdio: 'pipe', env: { ...process.env, CDK8S_OUTDIR: dist } },
        );
        const files = fs.readdirSync(dist).filter((f) => f.endsWith('.k8s.yaml'));
        expect(files.length, 'synthesized files').toBeGreaterThan(0);
        const objects = files.flatMap((f) =>
          parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8'))
            .map((d) => d.toJS())
            .filter(Boolean),
        );
        expect(objects.length).toBeGreaterThan(0);
        assertValidManifests(objects);
      } finally {
        fs.rmSync(dist, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
