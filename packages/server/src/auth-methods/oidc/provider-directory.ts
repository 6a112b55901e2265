/**
 * Each provider's openid-client Configuration: discovered at first use, not
 * at start (a provider that is down when the server starts must not stop
 * it), then cached. A failed discovery is not cached — the next sign-in
 * tries again — and sign-ins arriving during one discovery share it.
 * Metadata is discovered again after METADATA_TTL_MS; if that fails, the
 * previous metadata keeps serving (the provider's signing keys are fetched
 * again by openid-client whenever an ID token names an unknown key).
 *
 * Every Configuration verifies ID token signatures (openid-client skips that
 * by default for tokens it received straight from the provider over TLS),
 * times out each request, and talks plain HTTP only when config allowed it
 * for a loopback issuer.
 */
import * as oidc from 'openid-client';
import type { Clock, OperatorLog } from '../../services/context.js';
import type { OidcProviderConfig } from './config.js';
import { readCredentials, type ClientCredentials } from './credentials.js';
import { errorSummary, OidcFailure } from './failures.js';

export const METADATA_TTL_MS = 24 * 3_600_000;

interface Discovered {
  config: oidc.Configuration;
  at: number;
}

export interface DirectoryOptions {
  timeoutSeconds: number;
  /** Only ever true for loopback issuers (config refuses other http:// issuers). */
  allowHttp: boolean;
  now: Clock;
}

export class ProviderDirectory {
  private readonly credentials = new Map<string, ClientCredentials>();
  private readonly discovered = new Map<string, Discovered>();
  private readonly inFlight = new Map<string, Promise<oidc.Configuration>>();

  constructor(private readonly opts: DirectoryOptions) {}

  /** The client id and secret, read from their files the first time (ConfigError when a file cannot be read). */
  clientCredentials(provider: OidcProviderConfig): ClientCredentials {
    let c = this.credentials.get(provider.id);
    if (c === undefined) {
      c = readCredentials(provider);
      this.credentials.set(provider.id, c);
    }
    return c;
  }

  /** The provider's Configuration; throws OidcFailure('oidc_unavailable') when it cannot be discovered. */
  async configuration(provider: OidcProviderConfig, log: OperatorLog): Promise<oidc.Configuration> {
    const cached = this.discovered.get(provider.id);
    if (cached && this.opts.now() - cached.at < METADATA_TTL_MS) return cached.config;
    let pending = this.inFlight.get(provider.id);
    if (pending === undefined) {
      pending = this.discover(provider).finally(() => this.inFlight.delete(provider.id));
      this.inFlight.set(provider.id, pending);
    }
    try {
      return await pending;
    } catch (e) {
      const details = { oidc: provider.id, issuer: provider.providerUrl.href, err: errorSummary(e) };
      if (cached) {
        log.warn(details, 'OIDC: discovering the provider again failed; the metadata discovered before keeps serving');
        return cached.config;
      }
      log.warn(details, discoveryAdvice(e));
      throw new OidcFailure('oidc_unavailable', { stage: 'discovery' });
    }
  }

  private async discover(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    const { clientId, clientSecret } = this.clientCredentials(provider);
    const execute = this.opts.allowHttp && provider.providerUrl.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
    const found = await oidc.discovery(provider.providerUrl, clientId, undefined, undefined, { execute, timeout: this.opts.timeoutSeconds });
    const metadata = found.serverMetadata();
    const config = new oidc.Configuration(metadata, clientId, clientSecret ?? undefined, clientAuthentication(metadata, clientSecret));
    for (const apply of execute) apply(config);
    oidc.enableNonRepudiationChecks(config);
    config.timeout = this.opts.timeoutSeconds;
    this.discovered.set(provider.id, { config, at: this.opts.now() });
    return config;
  }
}

/**
 * How the client proves itself at the token endpoint: `client_secret_basic`
 * unless the provider says it only takes `client_secret_post` (RFC 8414's
 * default is basic, which every provider must support); PKCE alone for a
 * public client without a secret.
 */
function clientAuthentication(metadata: oidc.ServerMetadata, secret: string | null): oidc.ClientAuth {
  if (secret === null) return oidc.None();
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return oidc.ClientSecretPost(secret);
  return oidc.ClientSecretBasic(secret);
}

/** What the operator should check when discovery fails. */
function discoveryAdvice(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON') {
    return 'OIDC sign-in unavailable: the provider\'s discovery document names another issuer — set provider_url to exactly the "issuer" it publishes (trailing slash included)';
  }
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return 'OIDC sign-in unavailable: <provider_url>/.well-known/openid-configuration did not answer with a discovery document (check provider_url)';
  }
  return 'OIDC sign-in unavailable: the provider could not be reached for discovery';
}
