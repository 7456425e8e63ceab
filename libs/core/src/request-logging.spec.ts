import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PinoNestLogger, requestLogging } from './request-logging.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ name: 'test' }, stream) };
}

describe('requestLogging', () => {
  it('writes one JSON line per request with method, url, status and duration', async () => {
    const { lines, logger } = capture();
    const app = express().use(requestLogging(logger));
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    app.get('/broken', (_req, res) => void res.status(503).end());
    await request(app).get('/ok?x=1').expect(200);
    await request(app).get('/broken').expect(503);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, req: { method: 'GET', url: '/ok?x=1' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
    expect(lines[1]).toMatchObject({ level: 50, res: { statusCode: 503 } });
  });

  it("logs the pumps' steady traffic at debug, and its failures as any other", async () => {
    const { lines, logger } = capture();
    const app = express().use(requestLogging(logger));
    app.post('/v1/pumps/customers\\:ingest', (_req, res) => void res.json({ applied: 0 }));
    app.get('/v1/customers\\:checksum', (_req, res) => void res.status(400).end());
    app.get('/v1/customers', (_req, res) => void res.json({}));
    await request(app).post('/v1/pumps/customers:ingest').expect(200);
    await request(app).get('/v1/customers:checksum').expect(400);
    await request(app).get('/v1/customers').expect(200);
    expect(lines.map((line) => [line.level, (line.req as { url: string }).url])).toEqual([
      [30, '/v1/customers:checksum'],
      [30, '/v1/customers'],
    ]);
  });
});

describe('PinoNestLogger', () => {
  it("keeps Nest's context and errors", () => {
    const { lines, logger } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log('listening', 'Gateway');
    nest.error(new Error('boom'), 'Database');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'listening', context: 'Gateway' });
    expect(lines[1]).toMatchObject({ level: 50, msg: 'boom', context: 'Database', err: { message: 'boom' } });
  });
});
