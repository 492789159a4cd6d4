// The quota-enforcement scenario run locally: quota + extra calls, counting 200s, 429s and their headers.
export interface QuotaResult {
  readonly quota: number;
  readonly sent: number;
  readonly ok: number;
  readonly limited: number;
  readonly other: number;
  /** 429 responses that carried Retry-After. */
  readonly limitedWithRetryAfter: number;
  /** Responses (200 or 429) that carried RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset. */
  readonly withRateLimitHeaders: number;
  /** Exactly `quota` passed, the rest were 429, and every header was there. */
  readonly exact: boolean;
}

const rateLimitHeaders = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] as const;

export async function runQuotaCheck(
  url: string,
  apiKey: string,
  quota: number,
  extra: number,
  concurrency: number,
): Promise<QuotaResult> {
  const sent = quota + extra;
  let next = 0;
  let ok = 0;
  let limited = 0;
  let other = 0;
  let limitedWithRetryAfter = 0;
  let withRateLimitHeaders = 0;
  const worker = async () => {
    while (next < sent) {
      next++;
      const response = await fetch(url, { headers: { 'x-api-key': apiKey } });
      await response.arrayBuffer();
      if (rateLimitHeaders.every((name) => response.headers.has(name))) withRateLimitHeaders++;
      if (response.status === 200) ok++;
      else if (response.status === 429) {
        limited++;
        if (response.headers.has('retry-after')) limitedWithRetryAfter++;
      } else other++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    quota,
    sent,
    ok,
    limited,
    other,
    limitedWithRetryAfter,
    withRateLimitHeaders,
    exact:
      ok === quota && limited === extra && limitedWithRetryAfter === extra && withRateLimitHeaders === sent,
  };
}
