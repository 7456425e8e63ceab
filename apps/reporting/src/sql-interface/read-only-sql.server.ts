import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { readOnlyRefusal } from './read-only-sql.util.js';
import { mockScramVerifier, SCRAM_MECHANISM, ScramProtocolError, ScramServerExchange } from './scram.util.js';
import type { SqlReaderLogin } from './sql-reader-roles.js';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** A client that starts an extended-protocol batch holds the database until its Sync: not longer than this. */
const BATCH_TIMEOUT_MS = 10_000;
/** A client that has not proven who it is by then is let go (PostgreSQL's authentication_timeout, shorter). */
const AUTHENTICATION_TIMEOUT_MS = 10_000;
/** Authentication request codes (the 'R' message). */
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;

export interface ReadOnlySqlOptions {
  /** Who may log in: a reader's role, its SCRAM verifier, whether it may log in now. Each reader's statements run as its own role. */
  readers: { login(name: string): Promise<SqlReaderLogin> };
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
function errorResponse(text: string, severity = 'ERROR', code = '42501'): Buffer {
  return message('E', Buffer.concat([cstring(`S${severity}`), cstring(`V${severity}`), cstring(`C${code}`), cstring(`M${text}`), Buffer.from([0])]));
}

const authentication = (code: number, data: Buffer = Buffer.alloc(0)) => {
  const body = Buffer.alloc(4 + data.length);
  body.writeInt32BE(code, 0);
  data.copy(body, 4);
  return message('R', body);
};

/** The startup packet's parameters (user, database, application_name, …). */
function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) parameters.set(parts[i]!, parts[i + 1]!);
  return parameters;
}

/** The messages of a raw backend answer, each with its type byte. */
function messagesOf(raw: Uint8Array): Buffer[] {
  const messages: Buffer[] = [];
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let at = 0; at + 5 <= view.length; at += 1 + view.readInt32BE(at + 1)) messages.push(view.subarray(at, at + 1 + view.readInt32BE(at + 1)));
  return messages;
}

/** A refused login: its SQLSTATE and message, as PostgreSQL words them; the connection ends with it. */
class LoginRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The type bytes of the backend messages in a raw answer. */
function messageTypes(raw: Uint8Array): string[] {
  return messagesOf(raw).map((each) => String.fromCharCode(each[0]!));
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
 * only. A reader logs in with its name and password (SCRAM-SHA-256, checked against its
 * role's verifier before any statement). PGlite is one session, shared with the
 * reporting app: each reader's statement (a simple query, or an extended-protocol batch
 * up to its Sync) runs alone, in a read-only transaction, as the reader's own role, with
 * a statement timeout; statements that would change the shared session are refused
 * before they run (readOnlyRefusal).
 */
export class ReadOnlySqlServer {
  private readonly logger = new Logger('SqlInterface');
  private server?: Server;
  private readonly connections = new Set<ReaderConnection>();
  /** Salts the mock verifiers of unknown names: stable for this server's life, unknown to clients. */
  private readonly mockSecret = randomBytes(32);

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
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Ends every connection of a reader (revoked): FATAL 57P01, as PostgreSQL's pg_terminate_backend does. Returns how many. */
  disconnect(reader: string): number {
    let ended = 0;
    for (const connection of this.connections) {
      if (connection.reader !== reader) continue;
      connection.terminate('terminating connection due to administrator command: the reader was revoked');
      ended++;
    }
    return ended;
  }

  private serve(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new ReaderConnection(socket, this.db, this.options, this.mockSecret, this.logger);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
    socket.on('error', () => socket.destroy());
    connection.run().catch((error: Error) => {
      this.logger.warn(`a reader's connection failed: ${error.message}`);
      socket.destroy();
    });
  }
}

/** One reader: its bytes framed into messages, its login, and its messages run unit by unit. */
class ReaderConnection {
  private buffer = Buffer.alloc(0);
  private started = false;
  /** The role this connection logged in as; undefined until its password was checked. */
  reader?: string;
  /** The startup packet (and an SSL or GSS request before it) has no type byte; every later message has one. */
  private untypedNext = true;
  private readonly waiting: Array<(message: Buffer | undefined) => void> = [];
  private readonly queued: Buffer[] = [];
  private ended = false;

  constructor(
    readonly socket: Socket,
    private readonly db: PGlite,
    private readonly options: ReadOnlySqlOptions,
    private readonly mockSecret: Buffer,
    private readonly logger: Logger,
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
    const user = startupParameters(packet).get('user');
    try {
      if (!user) throw new LoginRefused('28000', 'no PostgreSQL user name specified in startup packet');
      this.socket.write(authentication(AUTH_SASL_FINAL, Buffer.from(await this.authenticate(user), 'utf8')));
    } catch (error) {
      if (!(error instanceof LoginRefused)) throw error;
      // psql asks for the password only once a server wants one: it leaves, then comes back with it.
      if (this.ended) return;
      this.logger.warn(`login refused${user ? ` for ${JSON.stringify(user)}` : ''} from ${this.socket.remoteAddress}: ${error.message}`);
      this.terminate(error.message, error.code);
      return;
    }
    this.reader = user;
    this.logger.log(`reader ${user} connected from ${this.socket.remoteAddress}`);
    // PGlite's own answer to a startup packet has the server's parameters; it does not change its session.
    const answer = await this.db.runExclusive(() => this.db.execProtocolRaw(new Uint8Array(packet)));
    const parameters: Record<string, string> = { is_superuser: 'off', session_authorization: user };
    const rewritten = messagesOf(answer).map((each) => {
      if (each[0] !== 'S'.charCodeAt(0)) return each;
      const [name] = each.subarray(5).toString('utf8').split('\0');
      return name! in parameters ? message('S', Buffer.concat([cstring(name!), cstring(parameters[name!]!)])) : each;
    });
    // Its AuthenticationOk stays: the reader's password was checked above.
    this.socket.write(Buffer.concat(rewritten));
  }

  /**
   * SCRAM-SHA-256 against the role's verifier; a name without one goes through the same
   * exchange against a mock verifier, so that a client cannot tell it from a wrong
   * password. Returns the server's final message.
   */
  private async authenticate(user: string): Promise<string> {
    const login = await this.options.readers.login(user);
    const exchange = new ScramServerExchange(login.verifier ?? mockScramVerifier(user, this.mockSecret));
    this.socket.write(authentication(AUTH_SASL, Buffer.from(`${SCRAM_MECHANISM}\0\0`, 'utf8')));
    const deadline = Date.now() + AUTHENTICATION_TIMEOUT_MS;
    try {
      const initial = await this.saslResponse(deadline);
      const mechanismEnd = initial.indexOf(0);
      if (initial.subarray(0, mechanismEnd).toString('utf8') !== SCRAM_MECHANISM) throw new LoginRefused('08P01', 'client selected an invalid SASL authentication mechanism');
      const clientFirst = initial.subarray(mechanismEnd + 5).toString('utf8');
      this.socket.write(authentication(AUTH_SASL_CONTINUE, Buffer.from(exchange.serverFirstMessage(clientFirst), 'utf8')));
      const serverFinal = exchange.verifyClientFinal((await this.saslResponse(deadline)).toString('utf8'));
      if (!serverFinal || !login.verifier) throw new LoginRefused('28P01', `password authentication failed for user "${user}"`);
      if (!login.mayLogIn) throw new LoginRefused('28000', `role "${user}" is not permitted to log in`);
      return serverFinal;
    } catch (error) {
      if (error instanceof ScramProtocolError) throw new LoginRefused('08P01', error.message);
      throw error;
    }
  }

  /** The body of the client's next SASL message ('p'). */
  private async saslResponse(deadline: number): Promise<Buffer> {
    const packet = await this.next(Math.max(1, deadline - Date.now()));
    if (!packet) throw new LoginRefused('08006', 'the client did not finish authenticating in time');
    if (packet[0] !== 'p'.charCodeAt(0)) throw new LoginRefused('08P01', `expected a SASL response, got message type ${JSON.stringify(String.fromCharCode(packet[0]!))}`);
    return packet.subarray(5);
  }

  /** Ends the connection with a FATAL error. */
  terminate(text: string, code = '57P01'): void {
    this.socket.end(errorResponse(text, 'FATAL', code));
    this.end();
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
    const role = `"${this.reader!.replaceAll('"', '""')}"`;
    const answer = await this.db.execProtocolRaw(queryMessage(`BEGIN READ ONLY; SET LOCAL ROLE ${role}; SET LOCAL statement_timeout = ${this.options.statementTimeoutMs}`));
    if (messageTypes(answer).includes('E')) {
      await this.db.execProtocolRaw(queryMessage('ROLLBACK'));
      // Its role was dropped since it logged in.
      throw new Error(`could not become the reader role ${role}`);
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
