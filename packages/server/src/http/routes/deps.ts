import type { Config } from '../../config/schema.js';
import type { Services } from '../../services/index.js';

/** What every route file receives. */
export interface RouteDeps {
  config: Config;
  services: Services;
}
