import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { listAzureRequirements } from '../lib';
import { buildExampleApp } from '../examples';
import { assertValidManifests, synthValid } from './support/validate-manifests';

const charts = buildExampleApp(Testing.app()).node.children.filter((c): c is Chart => c instanceof Chart);

/** Words that would betray a credential value in YAML (the Secret kind itself is never synthesized). */
const SECRET_PATTERNS = [/AccountKey=/i, /azurestorageaccountkey:\s*\S+/i, /password:\s*\S+/i, /kind:\s*Secret\b/];

describe('examples', () => {
  it('has one chart per scenario of the tutorial', () => {
    expect(charts.map((c) => c.node.id)).toEqual(
      expect.arrayContaining([
        'storage-late-binding-class',
        'storage-disk-claim',
        'storage-shared-files',
        'storage-static-share',
        'storage-snapshots',
        'storage-raw-block',
        'workloads-stateful',
        'workloads-nginx-zonal',
        'workloads-consul',
        'workloads-postgres',
        'ark-primary',
        'ark-restore',
        'postgres-backup',
      ]),
    );
  });

  it('never produces deprecated zone labels or storage-class annotations', () => {
    const text = JSON.stringify(charts.map((c) => Testing.synth(c)));
    expect(text).not.toMatch(
      /failure-domain\.beta\.kubernetes\.io|volume\.beta\.kubernetes\.io\/storage-class|beta\.kubernetes\.io\/os/,
    );
  });

  it.each(charts.map((c) => [c.node.id, c] as const))(
    '%s synthesizes objects that all pass schema validation',
    (_, chart) => {
      const objects = synthValid(chart);
      expect(objects.length).toBeGreaterThan(0);
      const yaml = objects.map((o) => JSON.stringify(o)).join('\n');
      for (const pattern of SECRET_PATTERNS) expect(yaml).not.toMatch(pattern);
      // Removed API versions can never be produced.
      for (const o of objects) expect(o.apiVersion).not.toMatch(/v1beta1|v1alpha1/);
      // kubectl applies a file in order: the Namespace must precede everything that lives in it.
      if (chart.namespace) expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: chart.namespace } });
    },
  );

  it('declares exactly the Azure resources and Secrets the examples need', () => {
    const list = listAzureRequirements(buildExampleApp(Testing.app()));
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:aksstatefulexamples',
      'storageAccount:aksstatefulvelero',
      'blobContainer:aksstatefulexamples/postgres-dumps',
      'blobContainer:aksstatefulvelero/velero',
      'fileShare:aksstatefulexamples/reports',
      'workloadIdentity:velero/velero',
      'servicePrincipalRoles:00000000-0000-0000-0000-00000000c1d1',
      'kubernetesSecret:postgres-backup/azure-storage-aksstatefulexamples',
      'kubernetesSecret:postgres-backup/shop-db-credentials',
      'kubernetesSecret:storage-static/azure-storage-aksstatefulexamples',
      'kubernetesSecret:todo/todo-db-credentials',
      'kubernetesSecret:velero/cloud-credentials',
      'kubernetesSecret:velero/velero-restore-credentials',
    ]);
  });

  it('cdk8s synth (the CLI, through cdk8s.yaml and main.ts) writes every chart and the requirement list', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-stateful-synth-'));
    execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', out], {
      cwd: path.resolve(__dirname, '..'),
      stdio: 'pipe',
    });
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual([...charts.map((c) => `${c.node.id}.k8s.yaml`), 'azure-requirements.json'].sort());
    for (const file of files.filter((f) => f.endsWith('.yaml'))) {
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
      assertValidManifests(parseAllDocuments(text).map((d) => d.toJSON()));
    }
    const requirements = JSON.parse(fs.readFileSync(path.join(out, 'azure-requirements.json'), 'utf8'));
    expect(requirements).toEqual(
      JSON.parse(JSON.stringify(listAzureRequirements(buildExampleApp(new App({ outdir: out }))))),
    );
    fs.rmSync(out, { recursive: true, force: true });
  }, 60_000);
});
