// Authorization: a keyed call passes only with an approved subscription of its app to the matched API.

import type { Call, Step } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { subscriptionKey } from '../../snapshot/snapshot.js';

const NOT_SUBSCRIBED = 'this app has no approved subscription to this API';

export function subscriptionCheck(): Step {
  return function subscriptionCheck(call: Call) {
    if (call.api!.auth === 'none') return;
    const sub = call.app && call.snapshot.approved.get(subscriptionKey(call.app.id, call.api!.id));
    if (!sub) throw new GatewayError('subscription_required', NOT_SUBSCRIBED);
    call.subscription = sub;
  };
}
