import * as fs from 'node:fs';
import * as path from 'node:path';

/** One fenced TypeScript block of README.md. */
export interface ReadmeSnippet {
  /** `snippet-<n>`, n counting the TypeScript blocks from the top. */
  readonly name: string;
  /** The block's text, verbatim: each must be a complete program a reader can paste. */
  readonly code: string;
  /** True for a Pulumi program, which runs only under the Pulumi engine: type-checked, not run. */
  readonly pulumi: boolean;
}

/** README's TypeScript blocks. */
export function readmeSnippets(root: string): ReadmeSnippet[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, i) => ({
    name: `snippet-${i}`,
    code: match[1],
    pulumi: /from '@pulumi\//.test(match[1]),
  }));
}
