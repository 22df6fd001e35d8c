import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'test', '.readme-snippets');

/**
 * README's TypeScript examples, each turned into a module: its imports (from 'aks-stateful',
 * pointed at lib/) and its body inside a function, with `chart` and the few placeholders the
 * prose leaves to the reader declared.
 */
function snippets(): Array<{ file: string; code: string }> {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, i) => {
    const block = match[1];
    const importPattern = /^import [\s\S]*?;\s*$/gm;
    const imports = (block.match(importPattern) ?? []).map((line) => line.replace("'aks-stateful'", "'../../lib'"));
    const body = block.replace(importPattern, '');
    const needsChart = /\bchart\b/.test(body) && !/const chart\b/.test(body);
    const code = [
      ...imports,
      "import { App as ReadmeApp, Chart as ReadmeChart } from 'cdk8s';",
      'declare const clientId: string;',
      'declare const subscriptionId: string;',
      "export function snippet(wordpress: import('cdk8s-plus-27').StatefulSet) {",
      needsChart ? "  const chart = new ReadmeChart(new ReadmeApp(), 'readme', { namespace: 'readme' });" : '',
      body,
      '}',
      '',
    ].join('\n');
    return { file: path.join(outDir, `snippet-${i}.ts`), code };
  });
}

describe('README', () => {
  const all = snippets();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const s of all) fs.writeFileSync(s.file, s.code);

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

  it('examples type-check against the library', () => {
    const tsconfig = path.join(outDir, 'tsconfig.json');
    fs.writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: '../../tsconfig.json',
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
  }, 60_000);
});
