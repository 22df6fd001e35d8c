/** A throwaway PostgreSQL cluster on 127.0.0.1, password authentication over TCP, trust on its socket. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, ownedTempDir, run, runOk } from './processes';
import { E2eTools } from './tools';

export class PostgresCluster {
  /** initdb + start on a free port; the data directory and socket live in a fresh temp folder. */
  public static async start(tools: E2eTools): Promise<PostgresCluster> {
    // Test files run in parallel: another process may take the free port between the probe and
    // the server's bind, so a failed start is retried on a new port.
    for (let attempt = 1; ; attempt++) {
      const dir = ownedTempDir('aks-stateful-pg-', tools.uid, tools.gid);
      const cluster = new PostgresCluster(tools, dir, await freePort());
      await cluster.as('initdb', [
        '--pgdata',
        cluster.dataDir,
        '--username',
        'postgres',
        '--auth-local',
        'trust',
        '--auth-host',
        'scram-sha-256',
        '--encoding',
        'UTF8',
        '--locale',
        'C',
        '--no-sync',
      ]);
      try {
        await cluster.as('pg_ctl', [
          '--pgdata',
          cluster.dataDir,
          '--log',
          path.join(dir, 'server.log'),
          '--wait',
          '--options',
          `-p ${cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off`,
          'start',
        ]);
        return cluster;
      } catch (error) {
        const log = fs.existsSync(path.join(dir, 'server.log'))
          ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
          : '';
        if (attempt >= 3)
          throw new Error(`PostgreSQL did not start after ${attempt} attempts: ${(error as Error).message}\n${log}`);
      }
    }
  }

  public readonly host = '127.0.0.1';
  public readonly dataDir: string;

  private constructor(
    private readonly tools: E2eTools,
    public readonly dir: string,
    public readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'data');
  }

  /** Runs a server program as the cluster's OS user. */
  private as(program: string, args: string[]): Promise<string> {
    return runOk(path.join(this.tools.postgresBin, program), args, {
      uid: this.tools.uid,
      gid: this.tools.gid,
      cwd: this.dir,
      timeoutMs: 120_000,
    });
  }

  /** Runs SQL as the superuser (over the socket) and returns the unaligned, tuples-only output. */
  public async sql(database: string, sql: string): Promise<string> {
    const out = await runOk(
      path.join(this.tools.postgresBin, 'psql'),
      [
        '--no-psqlrc',
        '--no-align',
        '--tuples-only',
        '--quiet',
        '--set',
        'ON_ERROR_STOP=1',
        '--host',
        this.dir,
        '--port',
        String(this.port),
        '--username',
        'postgres',
        '--dbname',
        database,
        '--command',
        sql,
      ],
      { timeoutMs: 300_000 },
    );
    return out.trim();
  }

  /** Row counts of every user table, by qualified name (exact `count(*)`). */
  public async rowCounts(database: string): Promise<Record<string, number>> {
    const tables = (
      await this.sql(
        database,
        "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
      )
    )
      .split('\n')
      .filter(Boolean);
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = Number(await this.sql(database, `SELECT count(*) FROM ${table}`));
    return counts;
  }

  public async databaseExists(database: string): Promise<boolean> {
    return (await this.sql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${database}'`)) === '1';
  }

  /** The server's log, for failure messages. */
  public log(): string {
    return fs.existsSync(path.join(this.dir, 'server.log'))
      ? fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8')
      : '';
  }

  /**
   * Stops the server cleanly (a shutdown checkpoint) and starts it again with the same options:
   * its shared buffers start empty (the kernel's page cache is left as it is).
   */
  public async restart(): Promise<void> {
    await this.as('pg_ctl', [
      '--pgdata',
      this.dataDir,
      '--log',
      path.join(this.dir, 'server.log'),
      '--mode',
      'fast',
      '--wait',
      'restart',
    ]);
  }

  /** The postmaster's PID (first line of postmaster.pid): a new one after each restart. */
  public serverPid(): number {
    return Number(fs.readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Stops the server at once and deletes its files. */
  public async stop(): Promise<void> {
    await run(
      path.join(this.tools.postgresBin, 'pg_ctl'),
      ['--pgdata', this.dataDir, '--mode', 'immediate', '--wait', 'stop'],
      {
        uid: this.tools.uid,
        gid: this.tools.gid,
        cwd: this.dir,
        timeoutMs: 60_000,
      },
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
