// Request framing checks node's parser leaves to us: it already refuses CL+TE, conflicting lengths, bare CR,
// obs-fold and oversized chunk extensions; these are the two ambiguities it lets through.

const UNKNOWN_CODING = 'the only transfer coding accepted is chunked';
const DUPLICATE_HOST = 'the request has more than one Host header';

/**
 * Why a request must be refused before any handler sees it, or null when its framing is sound.
 * RFC 9112 §6.1: a coding the gateway cannot decode ("gzip, chunked") would reach the upstream re-framed and
 * mislabelled; §3.2: a request with several Host fields gets a 400, since two hops could pick different ones.
 */
export function framingProblem(
  headers: { 'transfer-encoding'?: string | undefined },
  rawHeaders: string[],
): string | null {
  const te = headers['transfer-encoding'];
  if (te !== undefined && te.toLowerCase() !== 'chunked') return UNKNOWN_CODING;
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) return DUPLICATE_HOST;
  }
  return null;
}
