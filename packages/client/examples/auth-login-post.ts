import { ApiException, AuthenticationApi, Configuration } from '@semauth/client';

// The API root; defaults to http://localhost:3000/api.
const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const api = new AuthenticationApi(configuration);

try {
  // Performs Login. In Node the session cookie from the answer is kept in
  // `configuration`, so every later call through it is authenticated.
  await api.authLoginPost({
    auth: process.env.SEMAUTH_LOGIN ?? 'admin',
    password: process.env.SEMAUTH_PASSWORD ?? '',
  });
  console.log('Logged in:', configuration.apiKey.cookie !== undefined);
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.error(`Exception when calling AuthenticationApi->authLoginPost: ${e.message}`);
  process.exitCode = 1;
}
