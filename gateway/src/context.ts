// What every part of a running gateway shares: validated env, store, snapshot, logger.
import type { Env } from './config/env.js';
import type { Limits } from './limits/limits.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { PolicyRegistry } from './policies/registry.js';
import type { SnapshotHolder } from './snapshot/holder.js';
import type { Store } from './store/db.js';

export interface GatewayContext {
  env: Env;
  store: Store;
  snapshot: SnapshotHolder;
  logger: Logger;
  metrics: Metrics;
  limits: Limits;
  /** The data-plane policies: the admin API validates and documents an API's settings from them. */
  policies: PolicyRegistry;
  /** Call after a control-plane write: bumps nothing itself, just reloads this replica's snapshot now. */
  configChanged(): Promise<void>;
  /** The /metrics text: this process's registry, or every worker's aggregated (cluster/primary.ts). */
  metricsText?: () => Promise<string>;
  /** SSRF guard (security/ssrf.ts), set once the port is known: why a target URL is refused, or null. */
  upstreamGuard?: (url: string) => string | null;
}
