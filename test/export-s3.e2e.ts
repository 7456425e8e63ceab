import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import S3rver from 's3rver';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Exports into S3-compatible object storage: s3rver on loopback, started by this test,
 * spoken to by the real AWS SDK (multipart uploads through @aws-sdk/lib-storage).
 */
const BUCKET = 'mart';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const directory = mkdtempSync(join(tmpdir(), 'tributary-s3-'));
let server: S3rver;
let endpoint: string;
let s3: S3Client;
let system: SystemUnderTest;
let reporting: ReportingUnderTest;

async function startS3(port = 0): Promise<void> {
  server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
}

beforeAll(async () => {
  await startS3();
  s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  system = await startSystem(TEST_DATA, {}, { reporting: true, exports: { partRows: 2000, pageRows: 50, retryLimit: 0, s3: { endpoint, bucket: BUCKET, prefix: 'tributary', region: 'us-east-1', credentials } } });
  reporting = system.reporting!;
  await reporting.pumpAll();
}, 120_000);

afterAll(async () => {
  await system?.close();
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

const api = () => request(reporting.service.http);

async function finished(name: string): Promise<ExportOperation> {
  for (;;) {
    const { body } = await api().get(`/v1/${name}`).expect(200);
    if (body.done) return body as ExportOperation;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function object(key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((item) => item.Key!).sort();
}

describe('exports to S3-compatible storage', () => {
  it('writes the parts and the manifest as objects under the prefix; listed and read back, they hold the rows the response says', async () => {
    const body: ExportRequest = { dataset: 'sales', format: 'parquet', partitionBy: 'month', filters: { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, destination: { kind: 's3', prefix: 'marts/2026' } };
    const { body: started } = await api().post('/v1/exports').send(body).expect(202);
    const operation = await finished(started.name);
    expect(operation.metadata.state).toBe('SUCCEEDED');
    const id = operationIdOf(operation);
    const folder = `tributary/marts/2026/sales/${id}`;
    expect(await keysUnder(folder)).toEqual([...operation.response!.files.map((file) => `tributary/marts/2026/${file.path}`), `${folder}/_manifest.json`].sort());
    expect(operation.response!.manifest).toBe(`s3://${BUCKET}/${folder}/_manifest.json`);

    let rows = 0;
    for (const file of operation.response!.files) {
      expect(file.location).toBe(`s3://${BUCKET}/tributary/marts/2026/${file.path}`);
      const bytes = await object(`tributary/marts/2026/${file.path}`);
      expect([bytes.length, createHash('sha256').update(bytes).digest('hex')]).toEqual([file.bytes, file.sha256]);
      const read = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Array<{ placed_at: Date }>;
      expect(read.length).toBe(file.rows);
      for (const row of read) expect(row.placed_at.toISOString().slice(0, 7)).toBe(file.month);
      rows += read.length;
    }
    const [{ count }] = await reporting.service.db.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM reporting_v1.sales WHERE placed_at >= '2026-01-01' AND placed_at < '2026-04-01'`);
    expect(rows).toBe(count);
    expect(JSON.parse((await object(`${folder}/_manifest.json`)).toString('utf8'))).toEqual(operation.response);
  });

  it('a bucket that does not exist is refused at creation, naming the destination', async () => {
    const settings = reporting.service.config.exports.s3!;
    const bucket = settings.bucket;
    settings.bucket = 'no-such-bucket';
    try {
      const { body: problem } = await api().post('/v1/exports').send({ dataset: 'sales', format: 'csv', destination: { kind: 's3' } }).expect(400);
      expect(problem.errors).toEqual([{ field: 'destination', message: expect.stringMatching(/the bucket no-such-bucket cannot be written/) }]);
    } finally {
      settings.bucket = bucket;
    }
  });

  it('storage that goes away while the export runs: FAILED with the reason, and no object of it left behind', async () => {
    const { body: started } = await api().post('/v1/exports').send({ dataset: 'sales', format: 'csv', destination: { kind: 's3' } }).expect(202);
    const port = Number(new URL(endpoint).port);
    await server.close();
    const operation = await finished(started.name);
    await startS3(port);
    expect(operation.metadata.state).toBe('FAILED');
    expect(operation.response).toBeUndefined();
    expect(operation.error).toMatchObject({ code: 'INTERNAL', detail: expect.stringMatching(/^the export failed and its files are removed: /) });
    expect(await keysUnder(`tributary/sales/${operationIdOf(started)}`)).toEqual([]);
  });
});
