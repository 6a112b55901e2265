import { ApiException, AuthenticationApi, Configuration } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const api = new AuthenticationApi(configuration);

try {
  await api.authLoginPost({
    auth: process.env.SEMAUTH_LOGIN ?? 'admin',
    password: process.env.SEMAUTH_PASSWORD ?? '',
  });
  // A token to delete, e.g. "kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu=".
  const { id: apiTokenId } = await api.userTokensPost();
  // Expires API token. Takes the whole token or the 8-character id that
  // userTokensGet() lists; the SDK percent-encodes it ("=" becomes "%3D").
  await api.userTokensApiTokenIdDelete(apiTokenId);
  console.log('Deleted token', apiTokenId.slice(0, 8));
} catch (e) {
  if (!(e instanceof ApiException)) throw e;
  console.error(`Exception when calling AuthenticationApi->userTokensApiTokenIdDelete: ${e.message}`);
  process.exitCode = 1;
}
