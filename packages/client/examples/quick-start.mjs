// quick-start.mjs — plain JavaScript, runs as is on Node 20+: `node quick-start.mjs`
import { AuthenticationApi, Configuration } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
const auth = new AuthenticationApi(configuration);

await auth.authLoginPost({ auth: process.env.SEMAUTH_LOGIN ?? 'admin', password: process.env.SEMAUTH_PASSWORD ?? '' });
const token = await auth.userTokensPost({ name: 'quick-start' }); // token.id is the secret: store it
console.log(`Your API token: ${token.id}`);
await auth.authLogoutPost();
