/**
 * Routes the specification defines but @semauth/client does not call yet
 * (TOTP), because the server does not serve them yet and the SDK
 * only carries routes the server's OpenAPI document lists. Each function
 * here becomes an SDK method when its route lands; callers go through
 * api/index.ts, so only that file changes then.
 *
 * Failures are reported exactly as the SDK reports them (ApiException with
 * status and parsed body, NetworkError), so pages handle both alike — a
 * server without the route answers 404, which the pages show as "not
 * available on this server".
 */
import { ApiException, NetworkError } from '@semauth/client';
import type { TotpEnrolment } from './types.js';

interface Call {
  /** Named like the SDK's methods, for error messages. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  expect: 'json' | 'nothing' | 'blob';
}

export class PendingRoutes {
  constructor(private readonly basePath: string) {}

  async verifyTotp(passcode: string): Promise<void> {
    await this.call({ operation: 'verifyTotp', method: 'POST', path: '/auth/verify', body: { passcode }, expect: 'nothing' });
  }

  async useRecoveryCode(recoveryCode: string): Promise<void> {
    await this.call({ operation: 'useRecoveryCode', method: 'POST', path: '/auth/recovery', body: { recovery_code: recoveryCode }, expect: 'nothing' });
  }

  startTotp(userId: number): Promise<TotpEnrolment> {
    return this.call({ operation: 'startTotp', method: 'POST', path: totpPath(userId), expect: 'json' }) as Promise<TotpEnrolment>;
  }

  totpQrCode(userId: number, totpId: number | string): Promise<Blob> {
    return this.call({ operation: 'totpQrCode', method: 'GET', path: `${totpPath(userId, totpId)}/qr`, expect: 'blob' }) as Promise<Blob>;
  }

  async confirmTotp(userId: number, totpId: number | string, passcode: string): Promise<string[]> {
    const body = (await this.call({ operation: 'confirmTotp', method: 'POST', path: `${totpPath(userId, totpId)}/confirm`, body: { passcode }, expect: 'json' })) as {
      recovery_codes: string[];
    };
    return body.recovery_codes;
  }

  async disableTotp(userId: number, totpId: number | string): Promise<void> {
    await this.call({ operation: 'disableTotp', method: 'DELETE', path: totpPath(userId, totpId), expect: 'nothing' });
  }

  private async call(call: Call): Promise<unknown> {
    const { operation } = call;
    const headers: Record<string, string> = { Accept: call.expect === 'blob' ? 'image/png' : 'application/json' };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.basePath}${call.path}`, {
        method: call.method,
        headers,
        credentials: 'same-origin',
        redirect: 'manual',
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      });
    } catch (error) {
      throw new NetworkError(operation, error instanceof Error ? error.message : String(error), { cause: error });
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new ApiException({ status: response.status, body: parseBody(text), headers: response.headers, operation });
    }
    if (call.expect === 'blob') return response.blob();
    if (call.expect === 'nothing') return undefined;
    return response.json();
  }
}

function totpPath(userId: number, totpId?: number | string): string {
  const base = `/users/${encodeURIComponent(String(userId))}/2fas/totp`;
  return totpId === undefined ? base : `${base}/${encodeURIComponent(String(totpId))}`;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
