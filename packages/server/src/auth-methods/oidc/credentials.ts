/**
 * The client id and secret of each provider, from config.json or from the
 * files it names (`client_id_file`, `client_secret_file`: a secret kept out
 * of the config file, e.g. a Docker or systemd credential). Files are read
 * once, when the server starts; surrounding white space (a trailing newline)
 * is not part of the value. Messages name the key and the file, never the
 * value.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/parsers.js';
import type { Credential, OidcProviderConfig } from './config.js';

export interface ClientCredentials {
  clientId: string;
  /** Null: a public client, authenticated by PKCE alone. */
  clientSecret: string | null;
}

export function readCredentials(provider: OidcProviderConfig): ClientCredentials {
  return {
    clientId: resolve(provider.clientId, provider.id, 'client_id'),
    clientSecret: provider.clientSecret === null ? null : resolve(provider.clientSecret, provider.id, 'client_secret'),
  };
}

function resolve(credential: Credential, id: string, key: string): string {
  if ('value' in credential) return credential.value;
  const name = `config key "oidc_providers.${id}.${key}_file"`;
  let text: string;
  try {
    text = readFileSync(credential.file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${name}: ${credential.file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const value = text.trim();
  if (value === '') throw new ConfigError(`${name}: ${credential.file} is empty`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ConfigError(`${name}: ${credential.file} holds control characters (more than one line?)`);
  return value;
}
