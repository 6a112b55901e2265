// Users administration — the seed's UserApi — as an administrator.
import { ApiException, AuthenticationApi, Configuration, UserApi } from '@semauth/client';

const configuration = new Configuration({ basePath: process.env.SEMAUTH_URL });
await new AuthenticationApi(configuration).authLoginPost({
  auth: process.env.SEMAUTH_LOGIN ?? 'admin',
  password: process.env.SEMAUTH_PASSWORD ?? '',
});
const users = new UserApi(configuration);

// Creates a user (201). Without a password they could not sign in until one is set.
const alice = await users.usersPost({ username: 'alice', name: 'Alice', email: 'alice@example.org', password: 'alice-password-1' });
console.log(`Created ${alice.username} (id ${alice.id})`);

// semauth changes only the fields given (Semaphore would reset the others).
await users.usersUserIdPut(alice.id, { name: 'Alice Liddell' });
// An administrator sets someone else's password without the current one; their sessions end.
await users.usersUserIdPasswordPost(alice.id, { password: 'alice-password-2' });
console.log(`Renamed to ${(await users.usersUserIdGet(alice.id)).name}`);

for (const user of await users.usersGet()) console.log(`${user.id}\t${user.username}`);

try {
  await users.usersPost({ username: 'ALICE', name: 'Another Alice', email: 'alice2@example.org' });
} catch (e) {
  if (!(e instanceof ApiException) || e.status !== 409) throw e;
  console.log('Usernames are unique regardless of case: HTTP 409');
}

await users.usersUserIdDelete(alice.id); // with all her sessions and API tokens
console.log(`Deleted ${alice.username}`);
