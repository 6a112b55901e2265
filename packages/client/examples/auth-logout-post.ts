import { ApiException, AuthenticationApi, Configuration } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const api = new AuthenticationApi(configuration);

try {
  await api.authLoginPost({
    auth: process.env.SEMAUTH_LOGIN ?? 'admin',
    password: process.env.SEMAUTH_PASSWORD ?? '',
  });
  // Destroys current session: the server revokes it, and the SDK forgets
  // the cookie it kept in `configuration`.
  await api.authLogoutPost();
  console.log('Logged out:', configuration.apiKey.cookie === undefined);
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.error(`Exception when calling AuthenticationApi->authLogoutPost: ${e.message}`);
  process.exitCode = 1;
}
