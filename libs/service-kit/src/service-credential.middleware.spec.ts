import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ServiceCredential, type ServiceCredentialSettings } from '@tributary/core';
import { serviceCredentialMiddleware } from './service-credential.middleware.js';

const SECRET = 'a-service-token-secret-of-32-characters+';
const OTHER = 'another-service-token-secret-of-32-chars';

/** The middleware alone in front of a handler that says who called. */
function door(settings: ServiceCredentialSettings): Server {
  const middleware = serviceCredentialMiddleware(settings, pino({ level: 'silent' }));
  return createServer((req, res) => middleware(req, res, () => res.end(`passed ${req.serviceCaller ?? 'anonymous'}`)));
}

const valid = () => new ServiceCredential(SECRET, 'gateway').authorization();
const wrong = () => new ServiceCredential(OTHER, 'gateway').authorization();

describe('serviceCredentialMiddleware', () => {
  it('in production: refuses a call without a credential or with a wrong one, serves a valid one, leaves /health open', async () => {
    const server = door({ secret: SECRET, acceptedSecrets: [], required: true });
    expect((await request(server).get('/v1/customers')).status).toBe(401);
    expect((await request(server).get('/v1/customers').set('authorization', '')).status).toBe(401);
    expect((await request(server).get('/v1/customers').set('authorization', await wrong())).status).toBe(401);
    expect((await request(server).get('/v1/customers').set('authorization', await valid())).text).toBe('passed gateway');
    expect((await request(server).get('/health?verbose=1')).text).toBe('passed anonymous');
    // Only /health itself: nothing under it or beside it.
    expect((await request(server).get('/healthz')).status).toBe(401);
    expect((await request(server).get('/health/../v1/customers')).status).toBe(401);
  });

  it('in development with the secret: a call without a credential passes, a sent one is checked', async () => {
    const server = door({ secret: SECRET, acceptedSecrets: [], required: false });
    expect((await request(server).get('/v1/customers')).text).toBe('passed anonymous');
    expect((await request(server).get('/v1/customers').set('authorization', await valid())).text).toBe('passed gateway');
    const refused = await request(server).get('/v1/customers').set('authorization', await wrong());
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="tributary-services", error="invalid_token"/);
  });

  it('in development without a secret: calls pass as they always did, and a credential sent is refused, since nothing can check it', async () => {
    const server = door({ secret: null, acceptedSecrets: [], required: false });
    expect((await request(server).get('/v1/customers')).text).toBe('passed anonymous');
    const refused = await request(server).get('/v1/customers').set('authorization', await valid());
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringContaining('no SERVICE_TOKEN_SECRET') });
  });

  it('fails closed when credentials are required and no secret is configured', async () => {
    const server = door({ secret: null, acceptedSecrets: [], required: true });
    expect((await request(server).get('/v1/customers')).status).toBe(401);
    expect((await request(server).get('/health')).status).toBe(200);
  });
});
