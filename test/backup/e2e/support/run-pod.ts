/**
 * Runs the containers of a synthesized pod spec on this machine, the way the kubelet would run a
 * Job's pod with `restartPolicy: Never`: init containers one after another (the first failure
 * fails the pod), then the main containers. Each container runs its manifest `command` + `args`,
 * with exactly its manifest `env` (Secret references resolved from the values the test supplies),
 * as a non-root user, with its emptyDir volumes mapped to temp folders. The local bash,
 * PostgreSQL tools and az stand in for the images' copies; nothing is faked.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { killGroup, ownedTempDir } from './processes';
import { E2eTools } from './tools';

/** One container's run. */
export interface ContainerRun {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  /** Wall-clock time from start to exit. */
  readonly durationMs: number;
}

/** The pod's outcome: it succeeded when every container that ran exited 0. */
export interface PodRun {
  readonly succeeded: boolean;
  readonly runs: ContainerRun[];
  /** Host folder of each emptyDir volume. */
  readonly volumes: Record<string, string>;
  /** Everything the containers printed, for failure messages. */
  readonly log: string;
}

export interface RunPodOptions {
  /** Secret values by `<secret name>/<key>`. */
  readonly secrets: Record<string, string>;
  /**
   * Back each emptyDir that has a `sizeLimit` with a tmpfs of exactly that size, so writing past
   * it fails with "No space left on device" (needs root to mount). @default false
   */
  readonly enforceSizeLimits?: boolean;
  /** Awaited before a container starts, with the volumes' host folders (e.g. to plant a conflicting blob). */
  readonly beforeStart?: (container: string, volumes: Record<string, string>) => Promise<void> | void;
  /** Called when a container's process has started (e.g. to kill pg_dump mid-dump). */
  readonly onStart?: (container: string, pid: number) => void;
  /** A folder put first on every container's PATH: fault injection only (a program that misbehaves). @default none */
  readonly pathPrefix?: string;
  /** Wall-clock limit per container, like activeDeadlineSeconds. @default 120 s */
  readonly timeoutMs?: number;
  /** Contents of the ConfigMaps the pod mounts, by ConfigMap name then key. @default none */
  readonly configMaps?: Record<string, Record<string, string>>;
}

/** Environment the images set themselves (the manifest only adds to it). */
function imageEnvironment(image: string, tools: E2eTools): Record<string, string> {
  const system = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const postgres = /^(?:.*\/)?postgres:(\d+)/.exec(image);
  if (postgres) {
    if (Number(postgres[1]) !== tools.postgresMajor) {
      throw new Error(
        `the manifest runs ${image}, but this machine has PostgreSQL ${tools.postgresMajor}: build the construct with majorVersion ${tools.postgresMajor}`,
      );
    }
    // As in the official image: the major's bin directory on PATH, and PGDATA set (scripts must not rely on it).
    return { PATH: `${tools.postgresBin}:${system}`, PGDATA: '/var/lib/postgresql/data' };
  }
  if (image.startsWith('mcr.microsoft.com/azure-cli:')) {
    const tag = image.slice('mcr.microsoft.com/azure-cli:'.length);
    if (tag !== tools.azVersion) {
      // The scripts prime az's command index for the tag's version: a different local az would ignore it.
      throw new Error(
        `the manifest runs ${image}, but this machine has az ${tools.azVersion}: build the construct with azureCliImage mcr.microsoft.com/azure-cli:${tools.azVersion}`,
      );
    }
    return { PATH: `${path.dirname(tools.az)}:${system}` };
  }
  throw new Error(`no local stand-in for the image ${image}`);
}

function resolveEnv(
  container: any,
  secrets: Record<string, string>,
  mounts: Array<[string, string]>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = mapPath(String(variable.value), mounts);
    } else if (variable.valueFrom?.secretKeyRef) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      const value = secrets[`${name}/${key}`];
      // The kubelet would not start a container whose Secret is missing (CreateContainerConfigError).
      if (value === undefined)
        throw new Error(`container ${container.name} needs Secret ${name} key ${key}, which the test did not supply`);
      env[variable.name] = value;
    } else {
      throw new Error(
        `container ${container.name}: env ${variable.name} has a source the harness does not support: ${JSON.stringify(variable.valueFrom)}`,
      );
    }
  }
  return env;
}

/** Rewrites a value that is a mount path, or a path under one, to the volume's host folder. */
function mapPath(value: string, mounts: Array<[string, string]>): string {
  for (const [mountPath, hostDir] of mounts) {
    if (value === mountPath) return hostDir;
    if (value.startsWith(`${mountPath}/`)) return hostDir + value.slice(mountPath.length);
  }
  return value;
}

function sizeLimitBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`unsupported sizeLimit ${quantity}`);
  return Number(match[1]) * 1024 ** (['Ki', 'Mi', 'Gi', 'Ti'].indexOf(match[2]) + 1);
}

function runContainer(
  container: any,
  env: Record<string, string>,
  tools: E2eTools,
  options: RunPodOptions,
): Promise<ContainerRun> {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length === 0)
    throw new Error(`container ${container.name} has no command: the harness cannot run the image's entrypoint`);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), {
      env,
      uid: tools.uid,
      gid: tools.gid,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n[harness] ${container.name} exceeded ${options.timeoutMs ?? 120_000} ms: killed\n`;
      killGroup(child.pid!);
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('spawn', () => options.onStart?.(container.name, child.pid!));
    let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    child.on('exit', (code, signal) => {
      exited = { code, signal, at: Date.now() };
      // Like a container's end when its main process exits: nothing it started outlives it.
      killGroup(child.pid!);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid!);
      resolve({
        name: container.name,
        code: exited?.code ?? code,
        signal: exited?.signal ?? signal,
        output,
        durationMs: (exited?.at ?? Date.now()) - started,
      });
    });
  });
}

/** Runs the pod; see the file comment. Its temp folders stay until {@link cleanUp}. */
export async function runPod(podSpec: any, tools: E2eTools, options: RunPodOptions): Promise<PodRun> {
  if (podSpec.restartPolicy !== 'Never')
    throw new Error(`restartPolicy ${podSpec.restartPolicy}: the harness runs Job pods with restartPolicy Never only`);
  const volumes: Record<string, string> = {};
  const mounted: string[] = [];
  for (const volume of podSpec.volumes ?? []) {
    if (volume.configMap) {
      // The kubelet projects each key as a file; the test supplies the ConfigMap's data.
      const data = options.configMaps?.[volume.configMap.name];
      if (!data)
        throw new Error(`volume ${volume.name}: ConfigMap ${volume.configMap.name} was not supplied by the test`);
      const dir = ownedTempDir(`aks-stateful-${volume.name}-`, tools.uid, tools.gid);
      for (const [key, content] of Object.entries(data))
        fs.writeFileSync(path.join(dir, key), content, { mode: 0o644 });
      volumes[volume.name] = dir;
      continue;
    }
    if (!volume.emptyDir)
      throw new Error(`volume ${volume.name}: only emptyDir and configMap volumes are supported by the harness`);
    const dir = ownedTempDir(`aks-stateful-${volume.name}-`, tools.uid, tools.gid);
    if (options.enforceSizeLimits && volume.emptyDir.sizeLimit) {
      try {
        execFileSync(
          'mount',
          [
            '-t',
            'tmpfs',
            '-o',
            `size=${sizeLimitBytes(volume.emptyDir.sizeLimit)},uid=${tools.uid},gid=${tools.gid},mode=0700`,
            'tmpfs',
            dir,
          ],
          { stdio: 'pipe' },
        );
      } catch (error) {
        throw new Error(
          `enforcing the emptyDir sizeLimit mounts a tmpfs of that size, which needs root (CAP_SYS_ADMIN); run the tests as root as CI does: ${(error as Error).message}`,
        );
      }
      mounted.push(dir);
    }
    volumes[volume.name] = dir;
  }
  const runs: ContainerRun[] = [];
  const start = async (container: any): Promise<ContainerRun> => {
    const mounts: Array<[string, string]> = (container.volumeMounts ?? [])
      .map((m: any) => [m.mountPath, volumes[m.name]] as [string, string])
      .sort((a: [string, string], b: [string, string]) => b[0].length - a[0].length);
    const text = [...(container.command ?? []), ...(container.args ?? [])].join('\n');
    for (const [mountPath] of mounts) {
      // Scripts must find their folders through the environment, or the mapping would be a lie.
      if (
        new RegExp(`(^|[\\s"'=:])${mountPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/|\\s|"|'|$)`, 'm').test(text)
      ) {
        throw new Error(
          `container ${container.name} names its mount path ${mountPath} in its command; use the environment`,
        );
      }
    }
    const env = { ...imageEnvironment(container.image, tools), ...resolveEnv(container, options.secrets, mounts) };
    if (options.pathPrefix) env.PATH = `${options.pathPrefix}:${env.PATH}`;
    await options.beforeStart?.(container.name, volumes);
    return runContainer(container, env, tools, options);
  };
  try {
    // Init containers run one at a time, in order; the first failure fails the pod.
    for (const container of podSpec.initContainers ?? []) {
      const result = await start(container);
      runs.push(result);
      if (result.code !== 0) return finish(false);
    }
    runs.push(...(await Promise.all((podSpec.containers ?? []).map(start))));
    return finish(runs.every((r) => r.code === 0));
  } finally {
    for (const dir of mounted) execFileSync('umount', [dir], { stdio: 'pipe' });
  }

  function finish(succeeded: boolean): PodRun {
    return {
      succeeded,
      runs,
      volumes,
      log: runs.map((r) => `--- ${r.name} (exit ${r.code ?? r.signal})\n${r.output}`).join('\n'),
    };
  }
}

/** Removes the temp folders of a pod run. */
export function cleanUp(pod: PodRun): void {
  for (const dir of Object.values(pod.volumes)) fs.rmSync(dir, { recursive: true, force: true });
}
