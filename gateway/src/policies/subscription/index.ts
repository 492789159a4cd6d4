// Authorization: an authenticated call passes only with an approved subscription of its app to the matched API.
import type { RoutedCall } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { subscriptionKey } from '../../snapshot/snapshot.js';
import { ANONYMOUS, definePolicy, type Hooks } from '../policy.js';

const NOT_SUBSCRIBED = 'this app has no approved subscription to this API';

const hooks: Hooks = {
  request(call: RoutedCall) {
    const sub = call.auth && call.snapshot.approved.get(subscriptionKey(call.auth.app.id, call.api.id));
    if (!sub) throw new GatewayError('subscription_required', NOT_SUBSCRIBED);
    call.subscription = sub;
  },
};

export const subscription = definePolicy({
  name: 'subscription',
  phase: 'access',
  // Anonymous APIs have no apps calling them, so nothing to subscribe.
  create: () => ({ bind: (api) => (api.auth === ANONYMOUS ? null : hooks) }),
});
