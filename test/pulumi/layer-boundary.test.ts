import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '../../lib');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const imports = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/from '([^']+)'|require\('([^']+)'\)|import\('([^']+)'\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );

describe('the Pulumi layer stays in lib/pulumi', () => {
  it('is the only folder importing @pulumi/*, and nothing below imports it', () => {
    const offenders = sourceFiles(LIB)
      .filter((f) => !f.startsWith(path.join(LIB, 'pulumi') + path.sep))
      .flatMap((file) =>
        imports(file)
          .filter((spec) => spec.startsWith('@pulumi/') || /(^|\/)pulumi(\/|$)/.test(spec))
          .map((spec) => `${path.relative(LIB, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
    // The check sees imports: lib/pulumi has them.
    expect(imports(path.join(LIB, 'pulumi/stateful-stack.ts'))).toContain('@pulumi/pulumi');
  });

  it('imports azure-native per module, never the whole package (about 2 s to load)', () => {
    const whole = sourceFiles(path.join(LIB, 'pulumi')).filter((file) =>
      imports(file).includes('@pulumi/azure-native'),
    );
    expect(whole).toEqual([]);
  });

  it('is not loaded by the cdk8s entry point', () => {
    const loaded = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "require('./lib/index.ts'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@pulumi'))))",
      ],
      { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' },
    );
    expect(JSON.parse(loaded.trim())).toEqual([]);
  });
});
