// Direct seeding of users and API tokens for the scale scenario: rows go
// straight into the database (one transaction, prepared statements) instead
// of through the API, so a million tokens take seconds, not hours. Token
// secrets have semauth's shape and are hashed with semauth's own code
// (crypto/secrets.ts), so the server accepts the ones we keep.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { REPO_ROOT, SEMAUTH_BIN } from './processes.mjs';

const secrets = await import(new URL('../../packages/server/dist/crypto/secrets.js', import.meta.url).href);

/** Creates the schema by running `semauth migrate` on the database. */
export function migrate(dbEnv) {
  const r = spawnSync(process.execPath, [SEMAUTH_BIN, 'migrate'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SEMAUTH_LOG_LEVEL: 'warn', ...dbEnv },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`semauth migrate failed: ${r.stderr}${r.stdout}`);
}

/** `count` fresh tokens of Semaphore's shape (the same as newApiToken()), generated in bulk. */
function* tokenSecrets(count) {
  const chunk = 4096;
  for (let done = 0; done < count; done += chunk) {
    const n = Math.min(chunk, count - done);
    const buf = randomBytes(32 * n);
    for (let i = 0; i < n; i++) {
      yield buf
        .toString('base64', 32 * i, 32 * i + 32)
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .toLowerCase();
    }
  }
}

function pickIndices(count, wanted) {
  const picked = new Set();
  while (picked.size < Math.min(wanted, count)) picked.add(randomInt(count));
  return picked;
}

/** Rows for `users` users and `tokens` tokens spread evenly over them; keeps `keep` secrets. */
function* rows({ users, tokens, keep, now }, kept) {
  const keepAt = pickIndices(tokens, keep);
  let i = 0;
  for (const secret of tokenSecrets(tokens)) {
    if (!secrets.API_TOKEN_PATTERN.test(secret)) throw new Error(`generated token has the wrong shape: ${secret}`);
    if (keepAt.has(i)) kept.push(secret);
    yield {
      token_hash: secrets.sha256Hex(secrets.normaliseApiToken(secret)),
      prefix: secrets.tokenPrefix(secret),
      user_id: (i % users) + 1,
      name: `bench-${i}`,
      created_at: now - (tokens - i),
    };
    i++;
  }
}

// ASCII lower case: these are their own identity keys (identity.ts), which the server keeps beside them.
const userRow = (id, now) => ({ username: `bench${id}`, name: `Bench User ${id}`, email: `bench${id}@bench.invalid`, created_at: now });

/** Seeds a migrated, empty SQLite file. Returns the kept token secrets. */
export async function seedSqlite(file, { users, tokens, keep }) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  // A throwaway file: no fsync, a large page cache so the B-trees stay in memory.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');
  const now = Date.now();
  const kept = [];
  const insertUser = db.prepare(
    'insert into users (id, username, name, email, password_hash, admin, external, alert, disabled, created_at, login_key, email_key) values (?, @username, @name, @email, null, 0, 0, 0, 0, @created_at, @username, @email)',
  );
  const insertKey = db.prepare('insert into user_keys (key, user_id) values (?, ?)');
  const insertToken = db.prepare(
    'insert into api_tokens (token_hash, prefix, user_id, name, created_at, expires_at, last_used_at, revoked_at) values (@token_hash, @prefix, @user_id, @name, @created_at, null, null, null)',
  );
  db.transaction(() => {
    for (let id = 1; id <= users; id++) {
      const user = userRow(id, now);
      insertUser.run(id, user);
      insertKey.run(user.username, id);
      insertKey.run(user.email, id);
    }
    for (const row of rows({ users, tokens, keep, now }, kept)) insertToken.run(row);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return kept;
}

/** Seeds a migrated, empty PostgreSQL database in batches. Returns the kept token secrets. */
export async function seedPostgres(url, { users, tokens, keep }) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const now = Date.now();
  const kept = [];
  try {
    await client.query('begin');
    await client.query(
      `insert into users (id, username, name, email, password_hash, admin, external, alert, disabled, created_at, login_key, email_key)
       select i, 'bench' || i, 'Bench User ' || i, 'bench' || i || '@bench.invalid', null, 0, 0, 0, 0, $2::bigint, 'bench' || i, 'bench' || i || '@bench.invalid'
       from generate_series(1, $1::int) as i`,
      [users, now],
    );
    await client.query(
      `insert into user_keys (key, user_id) select login_key, id from users where id <= $1::int
       union all select email_key, id from users where id <= $1::int`,
      [users],
    );
    await client.query(`select setval(pg_get_serial_sequence('users', 'id'), $1::int)`, [users]);
    let batch = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await client.query(
        `insert into api_tokens (token_hash, prefix, user_id, name, created_at)
         select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[])`,
        [batch.map((r) => r.token_hash), batch.map((r) => r.prefix), batch.map((r) => r.user_id), batch.map((r) => r.name), batch.map((r) => r.created_at)],
      );
      batch = [];
    };
    for (const row of rows({ users, tokens, keep, now }, kept)) {
      batch.push(row);
      if (batch.length >= 20_000) await flush();
    }
    await flush();
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
  return kept;
}
