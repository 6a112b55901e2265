/*
 * Compile-time half of the OpenAPI contract check: the data in
 * support/model-schemas.ts describes exactly the SDK's exported model types
 * (same keys, same optionality, same value types). Never executed.
 */
import { expectTypeOf } from 'vitest';
import type { APIToken, Login, LoginMetadata, OidcProvider, Session, User, UserPutRequest, UserRequest, UsersUserIdPasswordPostRequest, UserSummary } from '@semauth/client';
import { BODY_SCHEMAS, MODEL_SCHEMAS, type Kind, type ModelSchema } from '../support/model-schemas.js';

interface KindToType {
  string: string;
  integer: number;
  boolean: boolean;
  'string|null': string | null;
  'OidcProvider[]': OidcProvider[];
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type TypeOf<S extends ModelSchema> = Simplify<
  { -readonly [K in keyof S['properties'] & S['required'][number]]: KindToType[S['properties'][K] & Kind] } & {
    -readonly [K in Exclude<keyof S['properties'], S['required'][number]>]?: KindToType[S['properties'][K] & Kind];
  }
>;

/** A request body: optional keys also take `undefined` ("not given"). */
type BodyOf<S extends ModelSchema> = Simplify<
  { -readonly [K in keyof S['properties'] & S['required'][number]]: KindToType[S['properties'][K] & Kind] } & {
    -readonly [K in Exclude<keyof S['properties'], S['required'][number]>]?: KindToType[S['properties'][K] & Kind] | undefined;
  }
>;

expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.Login>>().toEqualTypeOf<Login>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.APIToken>>().toEqualTypeOf<APIToken>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.User>>().toEqualTypeOf<User>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.OidcProvider>>().toEqualTypeOf<OidcProvider>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.LoginMetadata>>().toEqualTypeOf<LoginMetadata>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.UserSummary>>().toEqualTypeOf<UserSummary>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.Session>>().toEqualTypeOf<Session>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UserRequest>>().toEqualTypeOf<UserRequest>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UserPutRequest>>().toEqualTypeOf<UserPutRequest>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UsersUserIdPasswordPostRequest>>().toEqualTypeOf<UsersUserIdPasswordPostRequest>();
