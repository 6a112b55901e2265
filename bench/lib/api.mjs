// The few API calls the suite makes to set up its runs (not under load).

async function call(origin, method, path, { headers = {}, body } = {}) {
  const r = await fetch(`${origin}/api${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text };
}

/** Logs in and returns the `semaphore=…` cookie pair. */
export async function login(origin, auth, password) {
  const r = await call(origin, 'POST', '/auth/login', { body: { auth, password } });
  if (r.status !== 204) throw new Error(`login as ${auth} failed: ${r.status} ${r.text}`);
  return r.headers.get('set-cookie').split(';')[0];
}

/** Creates an API token with the given cookie and returns its secret. */
export async function createToken(origin, cookie) {
  const r = await call(origin, 'POST', '/user/tokens', { headers: { cookie } });
  if (r.status !== 201) throw new Error(`token creation failed: ${r.status} ${r.text}`);
  return JSON.parse(r.text).id;
}

/** GET /api/user with the given headers; returns the parsed body (and checks the status). */
export async function getUser(origin, headers) {
  const r = await call(origin, 'GET', '/user', { headers });
  if (r.status !== 200) throw new Error(`GET /api/user failed: ${r.status} ${r.text}`);
  return JSON.parse(r.text);
}
