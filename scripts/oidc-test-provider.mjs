#!/usr/bin/env node
// A throwaway OpenID provider on loopback, to try semauth's OIDC sign-in on
// your machine: oidc-provider (a dev dependency; the tests use the same) with
// its development login and consent pages, where any login and any password
// sign in — as <login>, e-mail <login>@example.org. For development only:
// in-memory, plain HTTP, keys made at each start.
//
//   node scripts/oidc-test-provider.mjs        http://127.0.0.1:9090, for a semauth on http://127.0.0.1:3000
//
// Environment: OIDC_TEST_PORT (9090), OIDC_TEST_REDIRECT_URI (semauth's
// callback, http://127.0.0.1:3000/api/auth/oidc/test/redirect). The client is
// `semauth-demo` with the secret `semauth-demo-secret`. It prints the issuer
// once it listens, then serves until Ctrl-C.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT ?? 9090);
const redirectUri = process.env.OIDC_TEST_REDIRECT_URI ?? 'http://127.0.0.1:3000/api/auth/oidc/test/redirect';

const server = createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{ client_id: 'semauth-demo', client_secret: 'semauth-demo-secret', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  pkce: { required: () => true },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 3600, Interaction: 600, Session: 3600 },
  async findAccount(_ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub, email: `${sub}@example.org`, email_verified: true, preferred_username: sub, name: sub }) };
  },
});
const callback = provider.callback();
server.on('request', (req, res) => void callback(req, res));
process.stdout.write(`${issuer}\n`);
