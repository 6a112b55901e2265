// What failures look like, and how to tell them apart.
import { ApiException, AuthenticationApi, Configuration, NetworkError, PingApi, TimeoutError } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL, timeoutMs: 10_000 });
const auth = new AuthenticationApi(configuration);
const login = process.env.SEMAUTH_LOGIN ?? 'admin';

// The server said no: ApiException, with the status and the parsed body.
try {
  await auth.authLoginPost({ auth: login, password: 'not the password' });
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.log(`Login refused: HTTP ${e.status}`, e.body); // 401 { error: '…' }
}

await auth.authLoginPost({ auth: login, password: process.env.SEMAUTH_PASSWORD ?? '' });
try {
  await auth.userTokensApiTokenIdDelete('zzzzzzzz');
} catch (e) {
  if (e instanceof ApiException && e.status === 404) console.log('No such token of yours');
  else throw e;
}

// You cancelled: the call rejects with your signal's reason, an AbortError.
const controller = new AbortController();
const pending = auth.userTokensGet({ signal: controller.signal });
controller.abort(); // e.g. the user left the page
try {
  await pending;
} catch (e) {
  if (!(e instanceof Error) || e.name !== 'AbortError') throw e;
  console.log('Cancelled');
}
await auth.authLogoutPost();

// No answer at all: NetworkError (TimeoutError when timeoutMs ran out).
const nowhere = new Configuration({ basePath: 'http://127.0.0.1:1/api', timeoutMs: 2_000 });
try {
  await new PingApi(nowhere).pingGet();
} catch (e) {
  if (!(e instanceof NetworkError)) throw e;
  console.log(e instanceof TimeoutError ? 'Timed out' : `Unreachable: ${e.message}`);
}
