import { BaseApi } from './base-api.js';
import type { RequestOptions, User } from './models.js';

/** The signed-in user: Semaphore's `user` tag. */
export class UserApi extends BaseApi {
  /**
   * Fetches the signed-in user (`GET /user`).
   *
   * @throws ApiException `401` when not authenticated.
   */
  async userGet(init?: RequestOptions): Promise<User> {
    const response = await this.send({ operation: 'userGet', signal: init?.signal });
    return response.body as User;
  }
}
