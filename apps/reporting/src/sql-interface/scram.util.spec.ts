import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockScramVerifier, parseScramVerifier, ScramProtocolError, ScramServerExchange, scramVerifierOf } from './scram.util.js';

/** node-postgres' own client side of SCRAM: an implementation this code shares nothing with. */
interface PgSaslSession {
  response: string;
}
const pgSasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as {
  startSession(mechanisms: string[]): PgSaslSession;
  continueSession(session: PgSaslSession, password: string, serverData: string): Promise<void>;
  finalizeSession(session: PgSaslSession, serverData: string): void;
};

/** One exchange between node-postgres' client and this server side; the server's final message, or undefined when it refused the proof. */
async function exchange(verifier: string, password: string): Promise<string | undefined> {
  const server = new ScramServerExchange(parseScramVerifier(verifier)!);
  const session = pgSasl.startSession(['SCRAM-SHA-256']);
  await pgSasl.continueSession(session, password, server.serverFirstMessage(session.response));
  const serverFinal = server.verifyClientFinal(session.response);
  // The client checks the server's signature in turn: it throws when the server did not know the verifier.
  if (serverFinal) pgSasl.finalizeSession(session, serverFinal);
  return serverFinal;
}

describe('SCRAM-SHA-256, the server side', () => {
  it("answers RFC 7677's example exchange byte for byte", () => {
    const verifier = parseScramVerifier(scramVerifierOf('pencil', { salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations: 4096 }))!;
    const server = new ScramServerExchange(verifier, '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    expect(server.serverFirstMessage('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(server.verifyClientFinal('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toBe(
      'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });

  it('refuses a proof made with another password, and a tampered one', async () => {
    const verifier = scramVerifierOf('right password');
    expect(await exchange(verifier, 'right password')).toMatch(/^v=/);
    expect(await exchange(verifier, 'wrong password')).toBeUndefined();
    const server = new ScramServerExchange(parseScramVerifier(scramVerifierOf('pencil', { salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64') }))!, '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
    server.serverFirstMessage('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(server.verifyClientFinal('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toBeUndefined();
  });

  it('lets no password through a mock verifier', async () => {
    const mock = mockScramVerifier('nobody', Buffer.from('secret'));
    expect(mock.salt).toEqual(mockScramVerifier('nobody', Buffer.from('secret')).salt);
    const text = `SCRAM-SHA-256$${mock.iterations}:${mock.salt.toString('base64')}$${mock.storedKey.toString('base64')}:${mock.serverKey.toString('base64')}`;
    expect(await exchange(text, 'nobody')).toBeUndefined();
  });

  it.each([
    ['channel binding asked for', 'p=tls-server-end-point,,n=,r=abc'],
    ['an authorization identity', 'n,a=admin,n=,r=abc'],
    ['no nonce', 'n,,n=user'],
    ['a mandatory extension', 'n,,m=ext,n=user,r=abc'],
  ])('treats %s as a protocol error', (_, message) => {
    expect(() => new ScramServerExchange(parseScramVerifier(scramVerifierOf('x'))!).serverFirstMessage(message)).toThrow(ScramProtocolError);
  });

  it('treats a final message that does not continue the exchange as a protocol error', () => {
    const server = new ScramServerExchange(parseScramVerifier(scramVerifierOf('x'))!, 'server');
    server.serverFirstMessage('n,,n=,r=client');
    expect(() => server.verifyClientFinal('c=biws,r=clientOTHER,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toThrow(/nonce/);
    expect(() => server.verifyClientFinal('c=eSws,r=clientserver,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toThrow(/binding/);
  });

  it('reads only SCRAM-SHA-256 verifiers', () => {
    expect(parseScramVerifier(null)).toBeUndefined();
    expect(parseScramVerifier('md5d41d8cd98f00b204e9800998ecf8427e')).toBeUndefined();
    expect(parseScramVerifier('SCRAM-SHA-256$4096:c2FsdA==$c2hvcnQ=:c2hvcnQ=')).toBeUndefined();
  });
});

describe("SCRAM-SHA-256 verifiers and PostgreSQL's own (PGlite)", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db.close();
  });
  const stored = async (role: string) => (await db.query<{ rolpassword: string }>(`SELECT rolpassword FROM pg_authid WHERE rolname = $1`, [role])).rows[0]!.rolpassword;

  it('verifies the verifier PostgreSQL makes of a password', async () => {
    await db.exec(`CREATE ROLE made_by_postgres PASSWORD 'correct horse'`);
    const verifier = await stored('made_by_postgres');
    expect(verifier).toMatch(/^SCRAM-SHA-256\$/);
    expect(await exchange(verifier, 'correct horse')).toMatch(/^v=/);
    expect(await exchange(verifier, 'correct horse!')).toBeUndefined();
  });

  it('makes verifiers PostgreSQL keeps as they are (a malformed one it would hash again as if it were the password)', async () => {
    const verifier = scramVerifierOf('battery staple');
    await db.exec(`CREATE ROLE made_here PASSWORD '${verifier}'`);
    expect(await stored('made_here')).toBe(verifier);
  });
});
