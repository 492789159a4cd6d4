// The data-plane policy chain, in order. Read top to bottom: this is what every call goes through.
import type { AiGatewayStep } from '../ai/index.js';
import { bodyLimit } from '../policies/body-limit/index.js';
import { cors } from '../policies/cors/index.js';
import { forward } from '../policies/forward/index.js';
import type { Upstreams } from '../policies/forward/upstreams.js';
import { keyAuth } from '../policies/key-auth/index.js';
import { type RateLimitOptions, rateLimit } from '../policies/rate-limit/index.js';
import { routeMatch } from '../policies/route-match/index.js';
import { subscriptionCheck } from '../policies/subscription/index.js';
import type { Step } from './call.js';

export interface ChainDeps {
  upstreams: Upstreams;
  rateLimit: RateLimitOptions;
  /** The AI layer (ai/): answers `ai` and `prompt` APIs itself. */
  ai: AiGatewayStep;
}

export function dataPlaneChain(deps: ChainDeps): { all: Step[]; access: Step[] } {
  const route = routeMatch(); // 404 / 400
  const key = keyAuth(); // 401
  const subscription = subscriptionCheck(); // 403
  const access: Step[] = [route, key, subscription];
  const all: Step[] = [
    route,
    cors(), // preflight 204 (before the key: browsers send none); CORS headers on every answer
    key,
    subscription,
    bodyLimit(), // 413 (declared length)
    rateLimit(deps.rateLimit), // 429 (rate, quotas), 503 if the limits store is down and closed
    deps.ai, // kinds ai and prompt: 429 token quota, 502 / 504, or the model's answer
    forward(deps.upstreams), // kind rest: 502 / 504, or the upstream's answer
  ];
  return { all, access };
}
