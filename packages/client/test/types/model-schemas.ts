/*
 * Compile-time half of the OpenAPI contract check: the data in
 * support/model-schemas.ts describes exactly the SDK's exported model types
 * (same keys, same optionality, same value types). Never executed.
 */
import { expectTypeOf } from 'vitest';
import type {
  APIToken, AuthMethods, Login, LoginMetadata, OidcProvider, Session, TotpEnrolment, TotpMethod, TotpPasscode, TotpRecoveryCode, TotpRecoveryCodes, User,
  UserPutRequest, UserRequest, UsersUserIdPasswordPostRequest, UserSummary, UserTotp,
} from '@semauth/client';
import { BODY_SCHEMAS, MODEL_SCHEMAS, type Kind, type ModelSchema } from '../support/model-schemas.js';

interface KindToType {
  string: string;
  integer: number;
  boolean: boolean;
  'string|null': string | null;
  'string[]': string[];
  'OidcProvider[]': OidcProvider[];
  UserTotp: UserTotp;
  AuthMethods: AuthMethods;
  TotpMethod: TotpMethod;
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
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.UserTotp>>().toEqualTypeOf<UserTotp>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.AuthMethods>>().toEqualTypeOf<AuthMethods>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.TotpMethod>>().toEqualTypeOf<TotpMethod>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.TotpEnrolment>>().toEqualTypeOf<TotpEnrolment>();
expectTypeOf<TypeOf<typeof MODEL_SCHEMAS.TotpRecoveryCodes>>().toEqualTypeOf<TotpRecoveryCodes>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.TotpPasscode>>().toEqualTypeOf<TotpPasscode>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.TotpRecoveryCode>>().toEqualTypeOf<TotpRecoveryCode>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UserRequest>>().toEqualTypeOf<UserRequest>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UserPutRequest>>().toEqualTypeOf<UserPutRequest>();
expectTypeOf<BodyOf<typeof BODY_SCHEMAS.UsersUserIdPasswordPostRequest>>().toEqualTypeOf<UsersUserIdPasswordPostRequest>();
