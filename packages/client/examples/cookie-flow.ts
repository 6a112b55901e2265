// A session from login to logout, authenticated by the `semaphore` cookie.
import { ApiException, AuthenticationApi, Configuration, UserApi } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL, timeoutMs: 10_000 });
const auth = new AuthenticationApi(configuration);
const users = new UserApi(configuration); // shares the session: same configuration

await auth.authLoginPost({
  auth: process.env.SEMAUTH_LOGIN ?? 'admin',
  password: process.env.SEMAUTH_PASSWORD ?? '',
});

const me = await users.userGet();
console.log(`Signed in as ${me.username} (admin: ${me.admin})`);

const tokens = await auth.userTokensGet();
console.log(`${tokens.length} API token(s)`);

// Keep a copy of the cookie only to show that logout revoked it server-side.
const oldCookie = configuration.apiKey.cookie;
await auth.authLogoutPost();

try {
  const replay = new Configuration({ basePath: configuration.basePath, apiKey: { cookie: oldCookie } });
  await new UserApi(replay).userGet();
  console.error('The old session still works!');
  process.exitCode = 1;
} catch (e) {
  if (!(e instanceof ApiException) || e.status !== 401) throw e;
  console.log('After logout the old cookie is rejected: HTTP 401');
}
