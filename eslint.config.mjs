// Lint rules: typescript-eslint's recommended set, plus the few that catch real mistakes here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'build/**', 'dist/**', 'coverage/**', 'test/.readme-snippets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Manifests are untyped JSON by nature; tests and the validator read them as such.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-new': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The constructs never load cdk8s-plus themselves (its generated module costs 17-21 ms of
    // every cold start): types only, and run-time modules through lib/core/cdk8s-plus-modules.ts,
    // where a caller's cdk8s-plus value is checked or rendered.
    files: ['lib/**/*.ts'],
    ignores: ['lib/core/cdk8s-plus-modules.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['cdk8s-plus-27', 'cdk8s-plus-27/*'],
              allowTypeImports: true,
              message: 'import types only; load cdk8s-plus modules through lib/core/cdk8s-plus-modules.ts',
            },
          ],
        },
      ],
      // require() is refused by no-require-imports; a dynamic import() would load it too.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^cdk8s-plus-27/]',
          message: 'load cdk8s-plus modules through lib/core/cdk8s-plus-modules.ts',
        },
      ],
    },
  },
);
