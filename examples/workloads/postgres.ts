import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PostgresSingleton } from '../../lib';

/** Tutorial step "a PostgreSQL database": one server on an Azure Disk, a todo table, and the CSV import. */
export class PostgresChart extends Chart {
  public readonly database: PostgresSingleton;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.database = new PostgresSingleton(this, 'todo-db', {
      name: 'todo-db',
      majorVersion: 17,
      database: 'todo',
      user: 'todo',
      storageSize: '32Gi',
      settings: { shared_buffers: '256MB', max_connections: '100' },
      initScripts: {
        '001-schema.sql':
          'CREATE TABLE IF NOT EXISTS todos (id serial PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false);\n',
      },
      bulkImport: {
        table: 'todos',
        columns: ['title', 'done'],
        csv: 'title,done\nWrite the tutorial,true\nReplace it with a library,false\n',
      },
    });
  }
}
