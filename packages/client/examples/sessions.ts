// Where you are signed in (semauth's sessions API): list your sessions, end the others.
import { AuthenticationApi, Configuration, UserApi } from '@semauth/client';

const basePath = process.env.SEMAUTH_URL;
const credentials = { auth: process.env.SEMAUTH_LOGIN ?? 'admin', password: process.env.SEMAUTH_PASSWORD ?? '' };

// Two sign-ins, as from two machines.
const laptop = new Configuration({ basePath, headers: { 'User-Agent': 'example-laptop' } });
const phone = new Configuration({ basePath, headers: { 'User-Agent': 'example-phone' } });
await new AuthenticationApi(laptop).authLoginPost(credentials);
await new AuthenticationApi(phone).authLoginPost(credentials);

const users = new UserApi(laptop);
for (const s of await users.userSessionsGet()) {
  console.log(`${s.current ? '*' : ' '} ${s.id} from ${s.address} with ${s.user_agent}, active ${s.last_active}`);
}

// Ends every session but this one: the phone is signed out, on every server at once.
await users.userSessionsDelete();
console.log(`Sessions left: ${(await users.userSessionsGet()).length}`);

// Ending the current session signs you out, as a logout does.
const [current] = await users.userSessionsGet();
await users.userSessionsSessionIdDelete(current!.id);
console.log('Signed out:', laptop.apiKey.cookie === undefined);
