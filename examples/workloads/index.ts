import { App } from 'cdk8s';
import { withNamespace } from '../with-namespace';
import { ConsulClusterChart } from './consul-cluster';
import { NginxZonalChart } from './nginx-zonal';
import { PostgresChart } from './postgres';
import { StatefulDiscoveryChart } from './stateful-discovery';

/** Adds the StatefulSet and PostgreSQL scenarios of the tutorial, each in its own namespace. */
export function addWorkloadExamples(app: App): void {
  withNamespace(new StatefulDiscoveryChart(app, 'workloads-stateful', { namespace: 'stateful' }));
  withNamespace(new NginxZonalChart(app, 'workloads-nginx-zonal', { namespace: 'nginx' }));
  withNamespace(new ConsulClusterChart(app, 'workloads-consul', { namespace: 'consul' }));
  withNamespace(new PostgresChart(app, 'workloads-postgres', { namespace: 'todo' }));
}
