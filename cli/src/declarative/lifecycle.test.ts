// The Pulumi provider carries its own copy of the lifecycle paths (it is serialized without modules); the
// CLI derives them from the gateway's transition tables. Both must walk objects the same way.
import { expect, it } from 'vitest';
import { apiPaths, subscriptionPaths } from '../../../gateway/src/domain/lifecycle.js';
import { LIFECYCLE } from '../../../infra/gateway-objects/provider.js';

it("keeps the Pulumi provider's lifecycle paths equal to the gateway's transitions", () => {
  const withoutEnds = (paths: Record<string, object>) =>
    Object.fromEntries(Object.entries(paths).filter(([, to]) => Object.keys(to).length > 0));
  expect(LIFECYCLE).toEqual({ api: withoutEnds(apiPaths), subscription: withoutEnds(subscriptionPaths) });
});
