/*
 * The SDK over Node's real fetch against a bare node:http server: checks
 * what actually reaches the wire, which a fake fetch cannot show (Node's
 * fetch could drop a Cookie header, re-encode a path, or hide Set-Cookie).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationApi, Configuration } from '../src/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let basePath: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.url === '/api/auth/login') {
        response.writeHead(204, {
          'Content-Type': 'application/json',
          'Set-Cookie': ['semaphore=12.abc_DEF-9=; Path=/; HttpOnly; SameSite=Lax', 'other=1; Path=/'],
        });
        response.end();
      } else if (request.url?.startsWith('/api/user/tokens?')) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('[]');
      } else {
        response.writeHead(204, { 'Content-Type': 'application/json' });
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  basePath = `http://127.0.0.1:${address.port}/api`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('on the wire with Node’s fetch', () => {
  it('reads Set-Cookie, then sends the Cookie header Node’s fetch is allowed to send', async () => {
    seen.length = 0;
    const configuration = new Configuration({ basePath });
    const auth = new AuthenticationApi(configuration);
    await auth.authLoginPost({ auth: 'admin', password: 'pw' });
    expect(configuration.apiKey.cookie).toBe('12.abc_DEF-9=');
    await auth.userTokensGet();
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/auth/login', body: '{"auth":"admin","password":"pw"}' });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/api/user/tokens?extended=true' });
    expect(seen[1]!.headers.cookie).toBe('semaphore=12.abc_DEF-9=');
  });

  it('keeps %3D in the path as sent (no re-decoding)', async () => {
    seen.length = 0;
    const auth = new AuthenticationApi(new Configuration({ basePath, apiKey: { bearer: 't' } }));
    await auth.userTokensApiTokenIdDelete('kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu=');
    expect(seen[0]!.url).toBe('/api/user/tokens/kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu%3D?extended=true');
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
  });

  it('sends a body-less logout with no Content-Type', async () => {
    seen.length = 0;
    const auth = new AuthenticationApi(new Configuration({ basePath, apiKey: { cookie: 'c' } }));
    await auth.authLogoutPost();
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/auth/logout', body: '' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
  });
});
