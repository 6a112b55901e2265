// Public endpoints: no credentials needed.
import { AuthenticationApi, Configuration, PingApi } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL, timeoutMs: 5_000 });

console.log(await new PingApi(configuration).pingGet()); // "pong"

const metadata = await new AuthenticationApi(configuration).authLoginGet();
console.log('Password login enabled:', metadata.login_with_password);
for (const provider of metadata.oidc_providers) console.log(`OIDC: ${provider.name} (${provider.id})`);
