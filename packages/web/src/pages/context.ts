/** What every signed-in page gets from the app. */
import type { Account, Api } from '../api/index.js';
import type { Router } from '../router.js';

export interface PageContext {
  api: Api;
  account: Account;
  router: Router;
  /**
   * Call with any failure of an API call: when it means the session ended
   * (401) the app goes to the sign-in page and this returns true; otherwise
   * false, and the page shows the error itself.
   */
  sessionEnded(error: unknown): boolean;
  /** This session was ended on purpose (e.g. from the sessions page): the sign-in page says "You have signed out." */
  signedOut(): void;
}
