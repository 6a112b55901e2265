-- The schema of semauth 0.1.0 on PostgreSQL (migration 0001_initial), as its
-- Kysely migration created it, with Kysely's bookkeeping tables. Frozen: never
-- edit it; a new release gets a fixture of its own.
create table if not exists "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);
create table if not exists "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);
insert into "kysely_migration_lock" ("id", "is_locked") values ('migration_lock', 0);
create table "users" ("id" serial primary key, "username" text not null, "name" text not null, "email" text not null, "password_hash" text, "admin" integer default 0 not null, "external" integer default 0 not null, "alert" integer default 0 not null, "disabled" integer default 0 not null, "created_at" bigint not null);
create unique index "users_username_lower" on "users" (lower(username));
create unique index "users_email_lower" on "users" (lower(email));
create table "sessions" ("id" text primary key, "secret_hash" text not null, "user_id" integer not null, "created_at" bigint not null, "last_active_at" bigint not null, "expires_at" bigint not null, "revoked_at" bigint);
create index "sessions_user" on "sessions" ("user_id");
create table "api_tokens" ("token_hash" text primary key, "prefix" text not null, "user_id" integer not null, "name" text default '' not null, "created_at" bigint not null, "expires_at" bigint, "last_used_at" bigint, "revoked_at" bigint);
create index "api_tokens_user_prefix" on "api_tokens" ("user_id", "prefix");
create table "login_throttle" ("key" text primary key, "failures" integer not null, "window_started_at" bigint not null);
create table "audit_log" ("id" serial primary key, "at" bigint not null, "event" text not null, "user_id" integer, "login" text, "address" text, "user_agent" text, "detail" text);
create index "audit_log_at" on "audit_log" ("at");
insert into "kysely_migration" ("name", "timestamp") values ('0001_initial', '2026-11-27T12:00:00.000Z');
