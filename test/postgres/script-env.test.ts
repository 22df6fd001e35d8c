import { Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { BackupCronJob, PostgresRestoreDrill, PostgresRestoreJob } from '../../lib';
import { SCRIPT_ENV, ScriptName } from '../../lib/postgres/script-env';
import { assembleAll, SHELL_DIR } from '../../scripts/assemble-shell';
import { CLIENT_ID, CONNECTION, STORAGE, podOf, synthByKind, testChart } from '../backup/helpers';

/** Variables bash itself sets, which no manifest provides. */
const BASH_VARIABLES = new Set([
  'SECONDS',
  'PIPESTATUS',
  'BASH_REMATCH',
  'LINENO',
  'BASH_COMMAND',
  'BASH_SOURCE',
  'IFS',
]);

/** The upper-case variables a script reads that it did not set itself first. */
function variablesRead(text: string): Set<string> {
  const code = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  const assigned = new Set(
    [...code.matchAll(/(?:^|[\s;(])(?:export |local |declare -[a-zA-Z]+ )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
  );
  return new Set(
    [...code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)]
      .map((m) => m[1])
      .filter((v) => !BASH_VARIABLES.has(v) && !assigned.has(v)),
  );
}

describe('each script reads exactly the variables its contract lists', () => {
  it.each(assembleAll(SHELL_DIR).map((s) => [s.name, s.text] as const))('%s', (name, text) => {
    const contract = SCRIPT_ENV[name as ScriptName];
    expect([...variablesRead(text)].sort()).toEqual([...contract.required, ...contract.optional].sort());
  });

  it('the check sees a variable the script reads, and one it sets itself first is not read from outside', () => {
    expect([...variablesRead(': "${A_B:?}"\nX=1\necho "$X $C" ${D:-x}\n# $COMMENTED')].sort()).toEqual([
      'A_B',
      'C',
      'D',
    ]);
  });
});

/** Every container of the pods the constructs write, with the script it runs. */
function containers(): Array<{ where: string; script: ScriptName; env: string[] }> {
  const auths = [undefined, { mode: 'workloadIdentity' as const, clientId: CLIENT_ID }];
  const out: Array<{ where: string; script: ScriptName; env: string[] }> = [];
  const scriptOf = new Map(assembleAll(SHELL_DIR).map((s) => [s.text, s.name as ScriptName]));
  for (const auth of auths) {
    const storage = { ...STORAGE, ...(auth ? { auth } : {}) };
    const jobs = [
      new BackupCronJob(testChart(), 'backup', { database: CONNECTION, storage }),
      new PostgresRestoreJob(testChart(), 'restore-new', {
        database: CONNECTION,
        storage,
        mode: { mode: 'newDatabase', database: 'copy' },
      }),
      new PostgresRestoreJob(testChart(), 'restore-named', {
        database: CONNECTION,
        storage,
        mode: { mode: 'newDatabase', database: 'copy' },
        dump: 'postgres/orders/20260101T000000Z.dump',
      }),
      new PostgresRestoreDrill(testChart(), 'drill', { database: CONNECTION, storage }),
    ];
    for (const job of jobs) {
      const chart = Chart.of(job);
      const kind = job instanceof PostgresRestoreJob ? 'Job' : 'CronJob';
      for (const c of podOf(synthByKind(chart).only(kind)).containers) {
        const script = scriptOf.get(c.args?.[0]);
        if (!script) throw new Error(`${job.node.path}: container ${c.name} runs no known script`);
        out.push({
          where: `${job.node.path}/${c.name} (${auth?.mode ?? 'key'})`,
          script,
          env: c.env.map((e: any) => e.name),
        });
      }
    }
  }
  return out;
}

describe('each container gets what its script needs, and nothing it does not read', () => {
  const all = containers();

  it('covers every script', () => {
    expect(new Set(all.map((c) => c.script))).toEqual(new Set(Object.keys(SCRIPT_ENV)));
  });

  it.each(all.map((c) => [c.where, c] as const))('%s', (_, c) => {
    const contract = SCRIPT_ENV[c.script];
    expect(
      c.env.filter((v) => ![...contract.required, ...contract.optional, ...contract.programs].includes(v as never)),
    ).toEqual([]);
    expect(contract.required.filter((v) => !c.env.includes(v))).toEqual([]);
  });
});
