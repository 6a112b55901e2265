import { ApiException, AuthenticationApi, Configuration } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const api = new AuthenticationApi(configuration);

try {
  await api.authLoginPost({
    auth: process.env.SEMAUTH_LOGIN ?? 'admin',
    password: process.env.SEMAUTH_PASSWORD ?? '',
  });
  // Create an API token. `id` is the whole secret token, shown this once:
  // store it now. Both options are semauth extensions and may be left out.
  const token = await api.userTokensPost({
    name: 'example',
    expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000),
  });
  console.log(token);
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.error(`Exception when calling AuthenticationApi->userTokensPost: ${e.message}`);
  process.exitCode = 1;
}
