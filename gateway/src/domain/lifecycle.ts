// Action paths through a lifecycle, derived from the transition tables in types.ts, so that every client that
// walks an object to a wanted status (the CLI's apply, the Pulumi provider) follows the admin API's own rules.
import { type ApiStatus, apiTransitions, type SubscriptionStatus, subscriptionTransitions } from './types.js';

type Transitions = Record<string, { readonly from: readonly string[]; readonly to: string }>;

/** For each status, the shortest action sequence to every other status reachable within `statuses`. */
export function actionPaths<S extends string>(
  transitions: Transitions,
  statuses: readonly S[],
): Record<S, Partial<Record<S, string[]>>> {
  const inScope = new Set<string>(statuses);
  const paths = {} as Record<S, Partial<Record<S, string[]>>>;
  for (const start of statuses) {
    const found: Partial<Record<S, string[]>> = {};
    const queue: [string, string[]][] = [[start, []]];
    const seen = new Set<string>([start]);
    while (queue.length > 0) {
      const [at, path] = queue.shift()!;
      for (const [action, { from, to }] of Object.entries(transitions)) {
        if (!from.includes(at) || !inScope.has(to) || seen.has(to)) continue;
        seen.add(to);
        found[to as S] = [...path, action];
        queue.push([to, [...path, action]]);
      }
    }
    paths[start] = found;
  }
  return paths;
}

/** The statuses a declared API may be in; all reachable by publish, deprecate and retire. */
export const declarableApiStatuses = [
  'draft',
  'published',
  'deprecated',
  'retired',
] as const satisfies readonly ApiStatus[];
/** The statuses a declared subscription may be in: rejected and revoked are ends, not states to keep. */
export const declarableSubscriptionStatuses = [
  'pending',
  'approved',
  'suspended',
] as const satisfies readonly SubscriptionStatus[];

export const apiPaths = actionPaths(apiTransitions, declarableApiStatuses);
export const subscriptionPaths = actionPaths(subscriptionTransitions, declarableSubscriptionStatuses);
