// An API token for a script or CI job: created once with a password login,
// then used alone as a bearer token, and finally revoked.
import { ApiException, AuthenticationApi, Configuration, UserApi } from '@semauth/client';

const basePath = process.env.SEMAUTH_URL;

// 1. Log in with a password and create a token that expires in an hour.
const session = new AuthenticationApi(new Configuration({ basePath }));
await session.authLoginPost({
  auth: process.env.SEMAUTH_LOGIN ?? 'admin',
  password: process.env.SEMAUTH_PASSWORD ?? '',
});
const token = await session.userTokensPost({
  name: 'ci-job',
  expiresAt: new Date(Date.now() + 60 * 60 * 1000),
});
console.log(`Created token ${token.id.slice(0, 8)}… expiring ${token.expires_at}`);
await session.authLogoutPost(); // the token outlives the session

// 2. Use the token alone: `Authorization: Bearer <token>`.
const configuration = new Configuration({ basePath, apiKey: { bearer: token.id } });
const auth = new AuthenticationApi(configuration);
const me = await new UserApi(configuration).userGet();
console.log(`Token belongs to ${me.username}`);

const listed = await auth.userTokensGet();
const mine = listed.find((t) => token.id.startsWith(t.id));
console.log(`Listed as ${mine?.id} named ${JSON.stringify(mine?.name)}`);

// 3. Revoke it (by the whole token here; the 8-character id works too).
await auth.userTokensApiTokenIdDelete(token.id);
try {
  await auth.userTokensGet();
  console.error('The revoked token still works!');
  process.exitCode = 1;
} catch (e) {
  if (!(e instanceof ApiException) || e.status !== 401) throw e;
  console.log('After revocation the token is rejected: HTTP 401');
}
