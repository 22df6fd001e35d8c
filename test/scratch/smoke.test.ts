import { it } from 'vitest';
import { installMocks, settle } from '../pulumi/support/mocks';

it('smoke', async () => {
  const recorded = await installMocks({ 'azure-native:location': 'westeurope', 'aks-stateful:velero-client-secret': 'x' }, []);
  const { App } = await import('cdk8s');
  const { StatefulStack } = await import('../../lib/pulumi');
  const { addExamples, DEFAULT_CLUSTER_EXAMPLES } = await import('../../examples');
  const app = new App();
  const charts = addExamples(app, DEFAULT_CLUSTER_EXAMPLES);
  const t0 = Date.now();
  new StatefulStack('examples', { app, charts, resourceGroupName: 'rg-aks', cluster: { kubeconfig: 'kc', oidcIssuerUrl: 'https://issuer.example/abc/' } });
  await settle(recorded);
  console.log('ms', Date.now() - t0, recorded.length);
  const counts: Record<string, number> = {};
  for (const r of recorded) counts[r.type] = (counts[r.type] ?? 0) + 1;
  console.log(counts);
  for (const r of recorded.filter((x) => /Deployment|ServiceAccount|CronJob|Schedule|batch.v1:Job|DaemonSet|ConfigGroup|Namespace|PersistentVolume/.test(x.type))) console.log(r.type, r.name, r.provider.slice(-40), r.retainOnDelete, JSON.stringify(r.dependencies.map((d) => d.split('::').slice(-2).join('::'))), r.type.includes('ServiceAccount') || r.type.includes('Job') ? JSON.stringify(r.inputs.metadata) : '');
}, 60000);
