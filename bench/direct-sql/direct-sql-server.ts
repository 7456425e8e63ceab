// node dist/bench/direct-sql/direct-sql-server.js, with PORT and DATABASE_URL or DATA_DIR.
// The direct-SQL contender over HTTP: POST /query {"scenario", "variables"} answers
// {"data"} from one SQL statement, so that it is measured the way the gateways are.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EMBEDDED_SESSION_SETTINGS } from '@tributary/database';
import { loggingStatements } from '../sql-client.js';
import { DIRECT_SQL_ANSWERS, type Query } from './direct-sql.queries.js';

function openDatabase(): { query: Query; close(): Promise<void> } {
  const database = openUnlogged();
  return { ...database, query: loggingStatements(database.query) };
}

function openUnlogged(): { query: Query; close(): Promise<void> } {
  const url = process.env.DATABASE_URL;
  if (url) {
    // The same pool size as each service's Prisma adapter.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return { query: async (sql, params) => (await pool.query(sql, params)).rows, close: () => pool.end() };
  }
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error('set DATABASE_URL or DATA_DIR');
  const pglite = new PGlite(dataDir);
  // The same session settings as every embedded database of the services.
  void pglite.exec(EMBEDDED_SESSION_SETTINGS);
  return { query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows, close: () => pglite.close() };
}

async function readJson(request: IncomingMessage): Promise<{ scenario?: string; variables?: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

const database = openDatabase();
const server = createServer(async (request, response) => {
  try {
    if (request.method === 'GET' && request.url === '/health') {
      await database.query('SELECT 1', []);
      return send(response, 200, { status: 'ok' });
    }
    if (request.method !== 'POST' || request.url !== '/query') return send(response, 404, { error: 'POST /query or GET /health' });
    const { scenario, variables } = await readJson(request);
    const answer = scenario ? DIRECT_SQL_ANSWERS[scenario] : undefined;
    if (!answer) return send(response, 400, { error: `scenario must be one of ${Object.keys(DIRECT_SQL_ANSWERS).join(', ')}` });
    send(response, 200, { data: await answer(database.query, (variables ?? {}) as never) });
  } catch (error) {
    send(response, 500, { error: (error as Error).message });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');

const shutdown = () => server.close(() => void database.close().then(() => process.exit(0)));
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
