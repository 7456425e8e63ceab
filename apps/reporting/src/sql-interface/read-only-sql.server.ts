import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { readOnlyRefusal } from './read-only-sql.util.js';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** A client that starts an extended-protocol batch holds the database until its Sync: not longer than this. */
const BATCH_TIMEOUT_MS = 10_000;

export interface ReadOnlySqlOptions {
  /** The role every reader's statement runs as: it may select from reporting_v1 and nothing else. */
  readerRole: string;
  statementTimeoutMs: number;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (value: string) => Buffer.from(`${value}\0`, 'utf8');
const queryMessage = (sql: string) => new Uint8Array(message('Q', cstring(sql)));
const readyForQuery = () => message('Z', Buffer.from('I', 'latin1'));

/** An ErrorResponse with SQLSTATE 42501 (insufficient privilege): what a reader's refused statement gets. */
function errorResponse(text: string): Buffer {
  return message('E', Buffer.concat([cstring('SERROR'), cstring('VERROR'), cstring('C42501'), cstring(`M${text}`), Buffer.from([0])]));
}

/** The type bytes of the backend messages in a raw answer. */
function messageTypes(raw: Uint8Array): string[] {
  const types: string[] = [];
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let at = 0; at + 5 <= view.length; at += 1 + view.readInt32BE(at + 1)) types.push(String.fromCharCode(view[at]!));
  return types;
}

/**
 * The reader sees its statement's own answer end in an idle ReadyForQuery: the read-only
 * transaction around it is the interface's, not the reader's, and ends with it.
 */
function asIdle(raw: Uint8Array): Uint8Array {
  const copy = Buffer.from(raw);
  if (copy.length >= 6 && copy[copy.length - 6] === 'Z'.charCodeAt(0)) copy[copy.length - 1] = 'I'.charCodeAt(0);
  return copy;
}

/**
 * The embedded store over the PostgreSQL wire protocol, for psql and BI tools, read
 * only. PGlite is one session, shared with the reporting app: each reader's statement
 * (a simple query, or an extended-protocol batch up to its Sync) runs alone, in a
 * read-only transaction, as the reader role, with a statement timeout; statements that
 * would change the shared session are refused before they run (readOnlyRefusal).
 */
export class ReadOnlySqlServer {
  private readonly logger = new Logger('SqlInterface');
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly db: PGlite,
    private readonly options: ReadOnlySqlOptions,
  ) {}

  async listen(port: number, host: string): Promise<number> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connection = new ReaderConnection(socket, this.db, this.options);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    connection.run().catch((error: Error) => {
      this.logger.warn(`a reader's connection failed: ${error.message}`);
      socket.destroy();
    });
  }
}

/** One reader: its bytes framed into messages, and the messages run unit by unit. */
class ReaderConnection {
  private buffer = Buffer.alloc(0);
  private started = false;
  /** The startup packet (and an SSL or GSS request before it) has no type byte; every later message has one. */
  private untypedNext = true;
  private readonly waiting: Array<(message: Buffer | undefined) => void> = [];
  private readonly queued: Buffer[] = [];
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly db: PGlite,
    private readonly options: ReadOnlySqlOptions,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => this.end());
  }

  async run(): Promise<void> {
    for (let next = await this.next(); next; next = await this.next()) {
      if (!this.started) {
        await this.startup(next);
        continue;
      }
      const type = String.fromCharCode(next[0]!);
      if (type === 'X') break;
      if (type === 'Q') await this.simpleQuery(next);
      else await this.extendedBatch(next);
    }
    this.socket.end();
  }

  private async startup(packet: Buffer): Promise<void> {
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSS_REQUEST) {
      this.socket.write('N');
      return;
    }
    if (code === CANCEL_REQUEST || code !== PROTOCOL_3) {
      this.socket.end();
      this.end();
      return;
    }
    this.started = true;
    this.socket.write(await this.db.runExclusive(() => this.db.execProtocolRaw(new Uint8Array(packet))));
  }

  private async simpleQuery(packet: Buffer): Promise<void> {
    const refusal = readOnlyRefusal(packet.subarray(5, packet.length - 1).toString('utf8'));
    if (refusal) {
      this.socket.write(Buffer.concat([errorResponse(refusal), readyForQuery()]));
      return;
    }
    const answer = await this.db.runExclusive(async () => {
      await this.beginAsReader();
      try {
        return await this.db.execProtocolRaw(new Uint8Array(packet));
      } finally {
        await this.db.execProtocolRaw(queryMessage('ROLLBACK'));
      }
    });
    this.socket.write(asIdle(answer));
  }

  /** Parse, Bind, Describe, Execute … Sync: one unit, in one read-only transaction, holding the database until the Sync. */
  private async extendedBatch(first: Buffer): Promise<void> {
    await this.db.runExclusive(async () => {
      await this.beginAsReader();
      let refused = false;
      try {
        for (let packet: Buffer | undefined = first; packet; packet = await this.next(BATCH_TIMEOUT_MS)) {
          const type = String.fromCharCode(packet[0]!);
          if (type === 'S') {
            if (refused) this.socket.write(readyForQuery());
            else this.socket.write(asIdle(await this.db.execProtocolRaw(new Uint8Array(packet))));
            return;
          }
          if (refused) continue;
          if (type === 'P') {
            const body = packet.subarray(5);
            const sql = body.subarray(body.indexOf(0) + 1);
            const refusal = readOnlyRefusal(sql.subarray(0, sql.indexOf(0)).toString('utf8'));
            if (refusal) {
              // As PostgreSQL does after an error: everything up to the Sync is skipped.
              refused = true;
              this.socket.write(errorResponse(refusal));
              continue;
            }
          }
          this.socket.write(await this.db.execProtocolRaw(new Uint8Array(packet)));
        }
        // No Sync in time, or the reader left: its batch is abandoned.
        this.socket.destroy();
      } finally {
        await this.db.execProtocolRaw(queryMessage('ROLLBACK'));
      }
    });
  }

  private async beginAsReader(): Promise<void> {
    const answer = await this.db.execProtocolRaw(
      queryMessage(`BEGIN READ ONLY; SET LOCAL ROLE "${this.options.readerRole}"; SET LOCAL statement_timeout = ${this.options.statementTimeoutMs}`),
    );
    if (messageTypes(answer).includes('E')) {
      await this.db.execProtocolRaw(queryMessage('ROLLBACK'));
      throw new Error(`could not become the reader role ${this.options.readerRole}`);
    }
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const lengthAt = this.untypedNext ? 0 : 1;
      if (this.buffer.length < (this.untypedNext ? 8 : 5)) return;
      const length = this.buffer.readInt32BE(lengthAt) + lengthAt;
      if (this.buffer.length < length) return;
      const packet = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (this.untypedNext) this.untypedNext = [SSL_REQUEST, GSS_REQUEST].includes(packet.readInt32BE(4));
      const waiter = this.waiting.shift();
      if (waiter) waiter(packet);
      else this.queued.push(packet);
    }
  }

  private next(timeoutMs?: number): Promise<Buffer | undefined> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (packet: Buffer | undefined) => {
        clearTimeout(timer);
        resolve(packet);
      };
      this.waiting.push(waiter);
      if (timeoutMs) {
        timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(undefined);
        }, timeoutMs);
      }
    });
  }

  private end(): void {
    this.ended = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
