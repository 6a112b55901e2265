import { BaseApi } from './base-api.js';
import type { RequestOptions } from './models.js';

/**
 * Liveness check. A class of its own rather than a method of `UserApi`:
 * `/ping` needs no user and no credentials, and Semaphore's contract gives
 * it no tag (OpenAPI generators put it in a `DefaultApi`); a health probe
 * should not have to construct a "user" API.
 */
export class PingApi extends BaseApi {
  /** `GET /ping`; resolves to `"pong"` when the server is up. */
  async pingGet(init?: RequestOptions): Promise<string> {
    const response = await this.send({ operation: 'pingGet', signal: init?.signal });
    return response.body as string;
  }
}
