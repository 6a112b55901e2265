import { ApiException, AuthenticationApi, Configuration } from '@semauth/client';

// Authenticate with an API token instead of a password by passing
// `apiKey: { bearer: 'YOUR_API_TOKEN' }` here and skipping the login.
const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const api = new AuthenticationApi(configuration);

try {
  await api.authLoginPost({
    auth: process.env.SEMAUTH_LOGIN ?? 'admin',
    password: process.env.SEMAUTH_PASSWORD ?? '',
  });
  // Fetch API tokens for user: newest first; each id is the token's first
  // 8 characters, the secret itself is never shown again.
  const tokens = await api.userTokensGet();
  console.log(tokens);
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.error(`Exception when calling AuthenticationApi->userTokensGet: ${e.message}`);
  process.exitCode = 1;
}
