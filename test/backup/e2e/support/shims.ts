/**
 * Fault injection for the end-to-end tests: programs that stand in front of the real ones on the
 * containers' PATH (run-pod's `pathPrefix`), in a folder that exists only while `use` runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Writes each program (name → bash lines after the shebang) into a new folder readable by the pods'
 * user, runs `use` with that folder, and removes it afterwards whatever happens.
 */
export async function withShims<T>(
  programs: Record<string, readonly string[]>,
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-shims-'));
  try {
    fs.chmodSync(dir, 0o755);
    for (const [name, lines] of Object.entries(programs)) {
      fs.writeFileSync(path.join(dir, name), ['#!/bin/bash', ...lines].join('\n'), { mode: 0o755 });
    }
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
