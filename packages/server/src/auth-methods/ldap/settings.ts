/**
 * The LDAP settings as the sign-in method uses them, built once at start
 * from the validated Config: the connection (address, TLS mode, trust,
 * timeouts), the service account, and the parsed filter and mappings.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../config/parsers.js';
import type { Config } from '../../config/schema.js';
import { parseFilterTemplate, type FilterTemplate } from './filter.js';
import { parseMapping, type Mapping } from './mappings.js';
import { parseServerAddress } from './server-address.js';

export type TlsMode = 'ldaps' | 'starttls' | 'none';

export interface LdapSettings {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  host: string;
  tls: TlsMode;
  /** For LDAPS and StartTLS: whom to trust, and the name the certificate must carry. */
  tlsOptions: ConnectionOptions;
  connectTimeoutMs: number;
  timeoutMs: number;
  bindDn: string;
  bindPassword: string;
  searchDn: string;
  filter: FilterTemplate;
  mappings: { uid: Mapping; mail: Mapping; cn: Mapping };
}

export function ldapSettings(c: Config): LdapSettings {
  const { host, port } = parseServerAddress(c.ldapServer);
  const tls: TlsMode = c.ldapNeedTls ? 'ldaps' : c.ldapStartTls ? 'starttls' : 'none';
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  return {
    url: `${tls === 'ldaps' ? 'ldaps' : 'ldap'}://${urlHost}:${port ?? (tls === 'ldaps' ? 636 : 389)}`,
    host,
    tls,
    tlsOptions: {
      // The name checked against the certificate, also for StartTLS (where there is no URL to take it from).
      host,
      // SNI carries host names only; Node refuses IP addresses there.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: !c.ldapTlsInsecure,
      minVersion: 'TLSv1.2',
      ...(c.ldapCaFile !== '' ? { ca: readCa(c.ldapCaFile) } : {}),
    },
    connectTimeoutMs: c.ldapConnectTimeoutMs,
    timeoutMs: c.ldapTimeoutMs,
    bindDn: c.ldapBindDn,
    bindPassword: c.ldapBindPassword,
    searchDn: c.ldapSearchDn,
    filter: parseFilterTemplate(c.ldapSearchFilter),
    mappings: { uid: parseMapping(c.ldapMappingUid), mail: parseMapping(c.ldapMappingMail), cn: parseMapping(c.ldapMappingCn) },
  };
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`SEMAUTH_LDAP_CA_FILE / ldap_ca_file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`SEMAUTH_LDAP_CA_FILE / ldap_ca_file ${file} holds no PEM certificate`);
  return pem;
}
