import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { EXPORT_FILES_ROUTE, type ExportDestination } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { ExportConfig, S3Settings } from './export.config.js';

/** One file being written: bytes go into `stream`; `done` settles once the file is complete where it lands. */
export interface FileUpload {
  stream: Writable;
  done: Promise<void>;
  abort(): Promise<void>;
}

/**
 * Where an export's files go. A file appears under its name only once complete (a
 * rename, or the end of a multipart upload): nothing half-written is ever there.
 */
export interface ExportStorage {
  /** Refuses, naming the destination, when nothing can be written there. */
  check(): Promise<void>;
  open(path: string): FileUpload;
  /** Where a client fetches a file from. */
  location(path: string): string;
  /** Removes every file under a folder: a cancelled or failed export's. */
  remove(folder: string): Promise<void>;
}


export class LocalStorage implements ExportStorage {
  constructor(private readonly directory: string) {}

  async check(): Promise<void> {
    try {
      await mkdir(this.directory, { recursive: true });
      await access(this.directory, constants.W_OK);
    } catch (error) {
      throw DomainException.invalidField('destination', `the export directory ${this.directory} refuses writes (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }

  open(path: string): FileUpload {
    const file = join(this.directory, path);
    const partial = `${file}.partial`;
    const stream = new PassThrough();
    const done = (async () => {
      await mkdir(dirname(file), { recursive: true });
      await pipeline(stream, createWriteStream(partial));
      await rename(partial, file);
    })();
    // Settled either way: a part given up is aborted, and its rejection is expected.
    done.catch(() => undefined);
    return { stream, done, abort: () => rm(partial, { force: true }) };
  }

  location(path: string): string {
    return `${EXPORT_FILES_ROUTE}/${path}`;
  }

  remove(folder: string): Promise<void> {
    return rm(join(this.directory, folder), { recursive: true, force: true });
  }
}

/** The AWS SDK, loaded when an export first goes to S3: most apps never do, and it is heavy. */
const awsSdk = async () => ({ ...(await import('@aws-sdk/client-s3')), ...(await import('@aws-sdk/lib-storage')) });

export class S3Storage implements ExportStorage {
  private client?: Promise<{ client: S3Client; sdk: Awaited<ReturnType<typeof awsSdk>> }>;

  constructor(
    private readonly settings: S3Settings,
    private readonly prefix: string,
  ) {}

  private connected() {
    this.client ??= awsSdk().then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: this.settings.region,
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint, forcePathStyle: true } : {}),
        ...(this.settings.credentials ? { credentials: this.settings.credentials } : {}),
      }),
    }));
    return this.client;
  }

  async check(): Promise<void> {
    const { client, sdk } = await this.connected();
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      const reason = (error as Error).name === 'NotFound' ? 'it does not exist' : (error as Error).message || (error as Error).name;
      throw DomainException.invalidField('destination', `the bucket ${this.settings.bucket} cannot be written: ${reason}`);
    }
  }

  open(path: string): FileUpload {
    const stream = new PassThrough();
    let upload: { abort(): Promise<void> } | undefined;
    const done = this.connected().then(async ({ client, sdk }) => {
      const multipart = new sdk.Upload({ client, params: { Bucket: this.settings.bucket, Key: this.key(path), Body: stream } });
      upload = multipart;
      await multipart.done();
    });
    done.catch(() => undefined);
    return { stream, done, abort: async () => upload?.abort().catch(() => undefined) };
  }

  location(path: string): string {
    return `s3://${this.settings.bucket}/${this.key(path)}`;
  }

  async remove(folder: string): Promise<void> {
    const { client, sdk } = await this.connected();
    let token: string | undefined;
    do {
      const listed = await client.send(new sdk.ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: `${this.key(folder)}/`, ContinuationToken: token }));
      const keys = (listed.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (keys.length) await client.send(new sdk.DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: keys } }));
      token = listed.NextContinuationToken;
    } while (token);
  }

  private key(path: string): string {
    return [this.settings.prefix, this.prefix, path].filter(Boolean).join('/');
  }
}

export function exportStorage(config: ExportConfig, destination: ExportDestination): ExportStorage {
  if (destination.kind === 's3') {
    if (!config.s3) throw DomainException.invalidField('destination.kind', 'this app has no object storage configured (EXPORT_S3_BUCKET); use local');
    return new S3Storage(config.s3, destination.prefix?.replace(/^\/+|\/+$/g, '') ?? '');
  }
  return new LocalStorage(config.directory);
}

/** Passes bytes through, counting them and hashing them: what a file's manifest entry says. */
export class ByteTally extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
