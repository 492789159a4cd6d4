// Write-time half of the outbound guard (security/outbound.ts): every URL a tenant writes that the gateway will
// later open a socket to (API targets, AI provider base URLs) is checked here, each refusal naming its field.
import type { GatewayContext } from '../context.js';
import { validationFailed } from './validation.js';

export function assertUrlsAllowed(
  ctx: GatewayContext,
  entries: readonly { field: string; url: string }[],
): void {
  const guard = ctx.upstreamGuard;
  if (!guard) return;
  const errors = entries.flatMap(({ field, url }) => {
    const reason = guard(url);
    return reason ? [{ in: 'body' as const, field, message: reason }] : [];
  });
  if (errors.length) throw validationFailed(errors);
}
