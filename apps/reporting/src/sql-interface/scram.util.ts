import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: the verifier it keeps in
 * pg_authid.rolpassword, and the server's side of the exchange, for the embedded store's
 * wire interface. Only the verifier is stored: a stolen one does not log in, and the
 * password never crosses the wire. No channel binding (the interface has no TLS), so the
 * mechanism offered is SCRAM-SHA-256, not SCRAM-SHA-256-PLUS.
 *
 * Passwords are used as their UTF-8 bytes, without SASLprep: the readers' passwords are
 * generated base64url, which SASLprep leaves unchanged.
 */
export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** PostgreSQL's default (scram_iterations); a generated password of 192 bits needs no more. */
const ITERATIONS = 4096;
const KEY_LENGTH = 32;

export interface ScramVerifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`: what PostgreSQL stores, and accepts pre-hashed in CREATE ROLE … PASSWORD. */
export function scramVerifierOf(password: string, options: { salt?: Buffer; iterations?: number } = {}): string {
  const salt = options.salt ?? randomBytes(16);
  const iterations = options.iterations ?? ITERATIONS;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, KEY_LENGTH, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  return `${SCRAM_MECHANISM}$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A rolpassword that is a SCRAM-SHA-256 verifier; undefined for anything else (null, md5, plain text). */
export function parseScramVerifier(text: string | null | undefined): ScramVerifier | undefined {
  const match = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text ?? '');
  if (!match) return undefined;
  const [storedKey, serverKey] = [Buffer.from(match[3]!, 'base64'), Buffer.from(match[4]!, 'base64')];
  if (storedKey.length !== KEY_LENGTH || serverKey.length !== KEY_LENGTH) return undefined;
  return { iterations: Number(match[1]), salt: Buffer.from(match[2]!, 'base64'), storedKey, serverKey };
}

/**
 * A verifier no password matches, for a name that has none: the exchange goes on to the
 * same failure as a wrong password, so a client cannot tell unknown names from known
 * ones (PostgreSQL's mock authentication). Its salt is stable per name and `secret`.
 */
export function mockScramVerifier(name: string, secret: Buffer): ScramVerifier {
  return { iterations: ITERATIONS, salt: createHmac('sha256', secret).update(name).digest().subarray(0, 16), storedKey: randomBytes(KEY_LENGTH), serverKey: randomBytes(KEY_LENGTH) };
}

/** A message that does not follow the protocol: the connection ends with 08P01, not with an authentication failure. */
export class ScramProtocolError extends Error {}

/** Printable ASCII but the comma (RFC 5802 `printable`): what a nonce is made of. */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * The server's side of one exchange: client-first → server-first, then client-final →
 * server-final when the proof is right. The user name in the messages is ignored, as
 * PostgreSQL does: the startup packet names the user.
 */
export class ScramServerExchange {
  private clientFirstBare?: string;
  private serverFirst?: string;
  private gs2Header?: string;
  private nonce?: string;

  constructor(
    private readonly verifier: ScramVerifier,
    private readonly serverNonce: string = randomBytes(18).toString('base64'),
  ) {}

  /** The client's first message (SASLInitialResponse's data) → the server's first. */
  serverFirstMessage(clientFirst: string): string {
    const match = /^([ny]|p=[^,]*),([^,]*),(.*)$/s.exec(clientFirst);
    if (!match) throw new ScramProtocolError('malformed SCRAM client-first-message');
    if (match[1]!.startsWith('p')) throw new ScramProtocolError('channel binding is not supported: this server offers SCRAM-SHA-256 without TLS');
    if (match[2] !== '') throw new ScramProtocolError('an authorization identity is not supported');
    const bare = match[3]!;
    const attributes = bare.split(',');
    if (attributes[0]?.startsWith('m=')) throw new ScramProtocolError('mandatory SCRAM extensions are not supported');
    const clientNonce = attributes.find((attribute) => attribute.startsWith('r='))?.slice(2);
    if (!attributes[0]?.startsWith('n=') || attributes[1] !== `r=${clientNonce}` || !clientNonce || !NONCE.test(clientNonce)) {
      throw new ScramProtocolError('malformed SCRAM client-first-message');
    }
    this.gs2Header = `${match[1]},${match[2]},`;
    this.clientFirstBare = bare;
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /**
   * The client's final message (SASLResponse's data): the server's final message when the
   * proof shows the client knows the password; undefined when it does not.
   */
  verifyClientFinal(clientFinal: string): string | undefined {
    if (!this.serverFirst) throw new ScramProtocolError('SCRAM client-final-message before client-first-message');
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramProtocolError('malformed SCRAM client-final-message');
    const withoutProof = clientFinal.slice(0, proofAt);
    const [binding, nonce] = withoutProof.split(',');
    if (binding !== `c=${Buffer.from(this.gs2Header!, 'utf8').toString('base64')}`) throw new ScramProtocolError('SCRAM channel binding data does not match the client-first-message');
    if (nonce !== `r=${this.nonce}`) throw new ScramProtocolError('SCRAM nonce does not match');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    if (proof.length !== KEY_LENGTH) throw new ScramProtocolError('malformed SCRAM proof');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(KEY_LENGTH);
    for (let i = 0; i < KEY_LENGTH; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) return undefined;
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
