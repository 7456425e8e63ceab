import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { CustomersDatabase } from '../apps/customers/src/database/customers-database.js';
import { startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';

/**
 * The list contract's promise to incremental readers (an extractor, another team's
 * pump): read with `updatedSince` = the largest updatedAt read so far, and every change
 * arrives, however long the transaction that wrote it stayed open. Lists used to stop a
 * fixed margin (1 s) behind now; a transaction open longer than that committed behind
 * the readers' cursors, and they never saw it.
 */
const databases = new TestDatabases();
let customers: ServiceUnderTest;
let db: CustomersDatabase;
/** Three times the margin lists used to keep. */
const HOLD_MS = 3000;

interface CustomerVersion {
  id: string;
  name: string;
  updatedAt: string;
}

interface Walk {
  ids: string[];
  /** `id@updatedAt` of every row, in the order read. */
  versions: string[];
  startedAt: number;
  endedAt: number;
}

/** A reader as a connector writes one: it walks from the largest updatedAt it has read and upserts by id. */
class IncrementalReader {
  readonly copy = new Map<string, CustomerVersion>();
  readonly walks: Walk[] = [];
  private since?: string;

  constructor(private readonly service: ServiceUnderTest) {}

  async read(pageSize = 7): Promise<Walk> {
    const walk: Walk = { ids: [], versions: [], startedAt: Date.now(), endedAt: 0 };
    const filters = this.since ? { updatedSince: this.since } : {};
    let pageToken: string | undefined;
    do {
      const response = await request(this.service.http).get('/v1/customers').query({ pageSize, ...filters, ...(pageToken ? { pageToken } : {}) }).expect(200);
      for (const row of response.body.customers as CustomerVersion[]) {
        walk.ids.push(row.id);
        walk.versions.push(`${row.id}@${row.updatedAt}`);
        const held = this.copy.get(row.id);
        if (!held || row.updatedAt >= held.updatedAt) this.copy.set(row.id, { id: row.id, name: row.name, updatedAt: row.updatedAt });
        if (!this.since || row.updatedAt > this.since) this.since = row.updatedAt;
      }
      pageToken = response.body.nextPageToken;
    } while (pageToken);
    walk.endedAt = Date.now();
    this.walks.push(walk);
    return walk;
  }
}

async function table(): Promise<Map<string, CustomerVersion>> {
  const rows = await customers.db.$queryRawUnsafe<Array<{ id: string; name: string; updated_at: Date }>>('SELECT id, name, updated_at FROM customers');
  return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name, updatedAt: row.updated_at.toISOString() }]));
}

function repeatedIds(walk: Walk): string[] {
  return walk.ids.filter((id, index) => walk.ids.indexOf(id) !== index);
}

beforeAll(async () => {
  customers = await startService(customersService, databases);
  db = customers.app.get(CustomersDatabase);
  for (let i = 0; i < 30; i++) {
    await request(customers.http).post('/v1/customers').send({ name: `Reader ${i}`, email: `reader-${i}@example.org`, country: 'DE' }).expect(201);
  }
});

afterAll(async () => {
  await customers?.close();
  await databases.dropAll();
});

describe('incremental reads under long transactions', () => {
  it('hold back a write whose transaction stays open, and everything written after it, until it commits; the next read returns both', async () => {
    const reader = new IncrementalReader(customers);
    const before = new Set((await reader.read()).versions);
    const [late, prompt] = [...reader.copy.keys()];
    let updated!: () => void;
    const updateRan = new Promise<void>((resolve) => (updated = resolve));
    const releaseAt = Date.now() + HOLD_MS;
    const writer = db.$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE customers SET name = 'Committed Late' WHERE id = ${late}`;
        updated();
        await sleep(releaseAt - Date.now());
      },
      { timeout: HOLD_MS * 4 },
    );
    await updateRan;
    // A write that commits at once, stamped after the open one: on PostgreSQL it commits
    // now; on PGlite, which runs one transaction at a time, once the first has ended.
    const promptWrite = request(customers.http).patch(`/v1/customers/${prompt}`).send({ name: 'Committed At Once' }).expect(200).then(() => 'committed');
    expect(await Promise.race([promptWrite, sleep(500, 'waiting')])).toBe(databases.kind === 'postgres' ? 'committed' : 'waiting');

    const stopReadingAt = releaseAt - 500;
    while (Date.now() < stopReadingAt) {
      await reader.read();
      await sleep(150);
    }
    await writer;
    await promptWrite;
    await reader.read();

    // Every walk that ended while the transaction was open showed nothing new (only the
    // row at updatedSince, which is inclusive, again): not its row, and not the row
    // committed after it, which would have moved the reader's updatedSince past the first.
    // PostgreSQL reads on beside the open transaction; PGlite makes a read wait for it.
    const whileOpen = reader.walks.slice(1).filter((walk) => walk.endedAt < stopReadingAt);
    expect(whileOpen.flatMap((walk) => walk.versions).filter((version) => !before.has(version))).toEqual([]);
    expect(whileOpen.length).toBeGreaterThanOrEqual(databases.kind === 'postgres' ? 5 : 0);
    expect(reader.copy.get(late)?.name).toBe('Committed Late');
    expect(reader.copy.get(prompt)?.name).toBe('Committed At Once');
    expect(reader.copy).toEqual(await table());
    expect(reader.walks.flatMap(repeatedIds)).toEqual([]);
  });

  it('a reader that keeps reading while writers hold their transactions open for random times ends with a copy equal to the table', async () => {
    const ids = [...(await table()).keys()];
    let run = 0;
    const write = fc.record({
      customer: fc.nat({ max: ids.length - 1 }),
      create: fc.boolean(),
      startAfterMs: fc.integer({ min: 0, max: 300 }),
      holdMs: fc.integer({ min: 0, max: 400 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 2, maxLength: 6 }), async (writes) => {
        run++;
        const reader = new IncrementalReader(customers);
        await reader.read();
        const spans: Array<{ id: string; from: number; to: number }> = [];
        const writers = writes.map(async (spec, index) => {
          await sleep(spec.startAfterMs);
          const from = Date.now();
          const id = spec.create ? `run-${run}-new-${index}` : ids[spec.customer]!;
          const name = `run ${run} write ${index}`;
          await db.$transaction(
            async (tx) => {
              if (spec.create) await tx.$executeRaw`INSERT INTO customers (id, name, email, country, created_at) VALUES (${id}, ${name}, ${`${id}@example.org`}, 'FR', now())`;
              else await tx.$executeRaw`UPDATE customers SET name = ${name} WHERE id = ${id}`;
              await sleep(spec.holdMs);
            },
            { timeout: 10_000 },
          );
          spans.push({ id, from, to: Date.now() });
        });
        let writing = true;
        const done = Promise.all(writers).finally(() => (writing = false));
        while (writing) await reader.read(3);
        await done;
        await reader.read(3);

        expect(reader.copy).toEqual(await table());
        // Within one walk a row comes twice only when it was written during the walk.
        for (const walk of reader.walks) {
          const writtenDuring = new Set(spans.filter((span) => span.from < walk.endedAt && span.to > walk.startedAt).map((span) => span.id));
          expect(repeatedIds(walk).filter((id) => !writtenDuring.has(id))).toEqual([]);
        }
      }),
      { numRuns: 6 },
    );
  });
});
