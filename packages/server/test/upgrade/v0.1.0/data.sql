-- Rows as semauth 0.1.0 wrote them, for the upgrade test (test/upgrade/).
-- {NOW} is replaced by the current time in epoch milliseconds when loaded, so
-- that sessions and tokens are as alive (or as dead) as their names say
-- (a day is 86400000 ms; products are written out, as PostgreSQL would
-- overflow `integer` computing them).
--
-- Users (ids 1–5 in this order) and their passwords:
--   admin   admin-password-2025    Argon2id with today's default parameters
--   alice   alice-password-2025    Argon2id with weaker parameters (rehashed at the next login)
--   legacy  legacy-password-2025   bcrypt with PHP's $2y$ prefix, as older Semaphore databases hold
--   ext     (none)                 external (LDAP/OIDC): no password login
--   off     alice-password-2025    disabled (alice's hash: the right password must still fail)
insert into users (username, name, email, password_hash, admin, external, alert, disabled, created_at) values
  ('admin', 'Administrator', 'admin@localhost', '$argon2id$v=19$m=19456,p=1,t=2$BATJ6OQEiZLb+iUiGXWGDA$AGEhnB4MTk4NOsoGq2otbGuhvDeMN1wYhvIb9dHmiFk', 1, 0, 0, 0, {NOW} - 2592000000),
  ('alice', 'Alice Example', 'alice@example.com', '$argon2id$v=19$m=8192,p=1,t=1$w4ACHIuHbTXntPVeIIR8dA$f32YcsnK3hLfd+7OugeMOPwlr8TWoHvRq38BUghwoWU', 0, 0, 1, 0, {NOW} - 1728000000),
  ('legacy', 'Legacy User', 'legacy@example.com', '$2y$04$1LALUEBSOfivRJrjrG/JNOfghs1V.2ijJa5O1irpLRASmHL0Ov.fq', 0, 0, 0, 0, {NOW} - 864000000),
  ('ext', 'External User', 'ext@example.com', null, 0, 1, 0, 0, {NOW} - 432000000),
  ('off', 'Disabled User', 'off@example.com', '$argon2id$v=19$m=8192,p=1,t=1$w4ACHIuHbTXntPVeIIR8dA$f32YcsnK3hLfd+7OugeMOPwlr8TWoHvRq38BUghwoWU', 0, 0, 0, 1, {NOW} - 432000000);

-- Sessions: cookie `semaphore=<id>.<secret>`, only the SHA-256 of the secret stored.
--   alice:  aliceSession0001.sessionsecretofalice0123456789ab   live
--   legacy: legacySession001.sessionsecretoflegacy0123456789a   revoked (logged out)
insert into sessions (id, secret_hash, user_id, created_at, last_active_at, expires_at, revoked_at) values
  ('aliceSession0001', '4b607796d749fcbda19a2994f613391f6451950b27c840f7f56a5199d5f59b58', 2, {NOW} - 86400000, {NOW} - 3600000, {NOW} + 2505600000, null),
  ('legacySession001', '64f2a22bf57803590a37cddde185face3d518b4943f7b9535ba5ce48ca07f10a', 3, {NOW} - 86400000, {NOW} - 3600000, {NOW} + 2505600000, {NOW} - 1800000);

-- API tokens: only the SHA-256 of the whole (lower-case) token stored, and its first 8 characters.
--   alicetok_created-by-v0-1-0-for-the-upgrade0=   alice's, live, never used
--   admintok_expired-in-the-fixture000000000000=   admin's, expired an hour ago
--   alicerev_revoked-in-the-fixture000000000000=   alice's, revoked
insert into api_tokens (token_hash, prefix, user_id, name, created_at, expires_at, last_used_at, revoked_at) values
  ('4e2bb1214c0c370eb8cbfb6fe2e03bf1fc52fe3435707f362b5b2c4419dbada2', 'alicetok', 2, 'ci', {NOW} - 86400000, null, null, null),
  ('5bd84471d47077455ebf4f298b70aad6c58b8b82a6ecbef0cb0c835ed8f7858a', 'admintok', 1, '', {NOW} - 172800000, {NOW} - 3600000, {NOW} - 7200000, null),
  ('47221f30698fe67ffeada40ba72edd5fae85db1c79d8372fc594f0010e067bd9', 'alicerev', 2, 'old', {NOW} - 259200000, null, null, {NOW} - 86400000);

insert into login_throttle (key, failures, window_started_at) values
  ('login:mallory|addr:203.0.113.9', 3, {NOW} - 60000);

insert into audit_log (at, event, user_id, login, address, user_agent, detail) values
  ({NOW} - 86400000, 'login.succeeded', 2, 'alice', '192.0.2.10', 'curl/8.0', null),
  ({NOW} - 86400000, 'token.created', 2, 'alice', '192.0.2.10', 'curl/8.0', '{"token_id":"alicetok"}');
