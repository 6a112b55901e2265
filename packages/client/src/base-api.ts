import { Configuration } from './configuration.js';
import { send, type HttpRequest, type HttpResponse } from './http.js';

/** Shared plumbing of the API classes: one configuration, one `send`. */
export abstract class BaseApi {
  /**
   * The configuration this API sends with. Shared, not copied: a login
   * through one API class authenticates the others built on it.
   */
  readonly configuration: Configuration;

  /** @param configuration where and how to connect; defaults to `new Configuration()`. */
  constructor(configuration: Configuration = new Configuration()) {
    this.configuration = configuration;
  }

  /** Sends one call of an operation listed in OPERATIONS. */
  protected send(request: HttpRequest): Promise<HttpResponse> {
    return send(this.configuration, request);
  }
}
