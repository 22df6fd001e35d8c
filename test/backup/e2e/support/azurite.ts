/** The Azurite blob emulator on 127.0.0.1 (in memory), and an SDK client for assertions. */
import { ChildProcess, spawn } from 'node:child_process';
import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { freePort, killGroup, waitForPort } from './processes';
import { E2eTools } from './tools';

/** Azurite's built-in development account (public, documented; not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A blob as the tests see it. */
export interface StoredBlob {
  readonly name: string;
  readonly size: number;
  readonly metadata: Record<string, string>;
}

export class Azurite {
  /**
   * Starts the blob service on a free port (or `port`), in memory, or persisted in `location` so
   * that a stopped emulator can be started again with its blobs.
   */
  public static async start(tools: E2eTools, options: { port?: number; location?: string } = {}): Promise<Azurite> {
    const port = options.port ?? (await freePort());
    const storage = options.location ? ['--location', options.location] : ['--inMemoryPersistence'];
    const child = spawn(
      process.execPath,
      [
        tools.azuriteBlob,
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
        ...storage,
      ],
      { stdio: 'ignore', detached: true },
    );
    await waitForPort(port, 30_000);
    return new Azurite(child, port);
  }

  /** Endpoint for the `blobEndpoint` prop (path-style, as emulators need). */
  public readonly endpoint: string;
  public readonly service: BlobServiceClient;

  private constructor(
    private readonly child: ChildProcess,
    public readonly port: number,
  ) {
    this.endpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
    this.service = new BlobServiceClient(this.endpoint, new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY));
  }

  public container(name: string): ContainerClient {
    return this.service.getContainerClient(name);
  }

  /** Every blob under a prefix, with size and metadata, in name order. */
  public async list(container: string, prefix = ''): Promise<StoredBlob[]> {
    const blobs: StoredBlob[] = [];
    for await (const blob of this.container(container).listBlobsFlat({ prefix, includeMetadata: true })) {
      blobs.push({
        name: blob.name,
        size: blob.properties.contentLength ?? -1,
        metadata: { ...(blob.metadata ?? {}) },
      });
    }
    return blobs.sort((a, b) => a.name.localeCompare(b.name));
  }

  public async download(container: string, name: string): Promise<Buffer> {
    return this.container(container).getBlobClient(name).downloadToBuffer();
  }

  /** Stops the emulator and waits until it is gone (in-memory data goes with it). */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.pid) killGroup(this.child.pid, 'SIGTERM');
    await exited;
  }
}
