// The request target as routing and the upstream both see it: percent-encoded unreserved characters are decoded
// and other escapes upper-cased before anything matches on the path (RFC 3986 §6.2.2.1-2), so `/o/%73ecret` is
// routed — and forwarded — as `/o/secret`, the path most upstream frameworks would decode it to anyway.

const ESCAPE = /%([0-9A-Fa-f]{2})/g;
// ALPHA / DIGIT / "-" / "." / "_" / "~"
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normalizeEscape(_match: string, hex: string): string {
  const char = String.fromCharCode(Number.parseInt(hex, 16));
  return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
}

/** The target with its path normalized; the query is left exactly as sent. */
export function normalizeTarget(url: string): string {
  if (!url.includes('%')) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.includes('%')) return url;
  return path.replace(ESCAPE, normalizeEscape) + (q === -1 ? '' : url.slice(q));
}
