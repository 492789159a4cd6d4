// SSRF guard for upstream targets, applied when an API is written: a target may not be the gateway itself
// (a request loop, or a way round its auth to /admin) nor a link-local or cloud metadata address, unless the
// operator lists it in UPSTREAM_ALLOW. See docs/decisions/0004-ssrf-guard.md for what it does not catch.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const METADATA = 'link-local and cloud metadata addresses may not be upstream targets';
const SELF = 'the gateway itself may not be an upstream target';

/** Names that always mean a metadata service (GCP, Azure/AWS aliases). */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data']);
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

function blockList(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of entries) list.addSubnet(address, prefix, family);
  return list;
}

// 169.254/16 holds AWS/GCP/Azure metadata (169.254.169.254) and ECS task metadata (169.254.170.2);
// fd00:ec2::254 is AWS's IPv6 metadata endpoint; 100.100.100.200 is Alibaba Cloud's.
const FORBIDDEN = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['100.100.100.200', 32, 'ipv4'],
]);
// Addresses that reach this host, so the gateway when the port is its own. 0.0.0.0 and :: connect locally.
const LOCAL = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['::', 128, 'ipv6'],
]);

export interface SsrfGuardOptions {
  /** The gateway's listen address and actual port. */
  host: string;
  port: number;
  /** UPSTREAM_ALLOW entries: host names, IP addresses or CIDRs. */
  allow: readonly string[];
}

/** Parses UPSTREAM_ALLOW (comma-separated). */
export function allowList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** UPSTREAM_ALLOW split into host names and a block list of addresses and CIDRs. */
export function parseAllow(allow: readonly string[]): { allowedNames: Set<string>; allowed: BlockList } {
  const allowedNames = new Set<string>();
  const allowed = new BlockList();
  for (const entry of allow) {
    const [address, prefix] = entry.split('/');
    if (address && isIP(address)) {
      const family = familyOf(address);
      allowed.addSubnet(address, prefix ? Number(prefix) : family === 'ipv4' ? 32 : 128, family);
    } else allowedNames.add(entry);
  }
  return { allowedNames, allowed };
}

/** Every address of this host's interfaces: each reaches the gateway when it listens on all of them. */
export function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const nic of list ?? []) own.add(nic.address.toLowerCase());
  return own;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d), as sockets report it, checked as the IPv4 address it is. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/**
 * Connect-time check of an address: a metadata address (unless UPSTREAM_ALLOW lists it), or this host on the
 * gateway's own port (a loop: `self`). `selfPort` is -1 until the gateway listens.
 */
export function addressRefusal(
  address: string,
  port: number,
  context: { allowed: BlockList; own: ReadonlySet<string>; selfPort: number },
): { message: string; self: boolean } | null {
  const ip = unmapped(address.toLowerCase());
  if (!isIP(ip)) return null;
  const family = familyOf(ip);
  if (context.allowed.check(ip, family)) return null;
  if (FORBIDDEN.check(ip, family)) return { message: METADATA, self: false };
  if (port === context.selfPort && (LOCAL.check(ip, family) || context.own.has(ip)))
    return { message: SELF, self: true };
  return null;
}

/** Returns a checker: the reason a target URL is refused, or null when it may be used. */
export function createSsrfGuard(options: SsrfGuardOptions): (url: string) => string | null {
  const { allowedNames, allowed } = parseAllow(options.allow);
  const own = ownAddresses();
  own.add(options.host.toLowerCase());

  return function ssrfCheck(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null; // the schema reports unparsable URLs
    }
    // WHATWG URL already turned 2852039166, 0xa9.254.169.254 and the like into dotted quads.
    const host = parsed.hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const ip = isIP(host) ? host : null;
    if (allowedNames.has(host) || (ip && allowed.check(ip, familyOf(ip)))) return null;
    if (METADATA_NAMES.has(host) || (ip && FORBIDDEN.check(ip, familyOf(ip)))) return METADATA;
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    if (port !== options.port) return null;
    const local =
      LOOPBACK_NAMES.has(host) ||
      host.endsWith('.localhost') ||
      own.has(host) ||
      (ip && LOCAL.check(ip, familyOf(ip)));
    return local ? SELF : null;
  };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for upstream sockets (undici's `connect` options reach net.connect): a target *name* that
 * resolves to a link-local or metadata address is refused when the socket connects, which the write-time
 * check cannot see (DNS can change after the API was saved). Entries of UPSTREAM_ALLOW pass.
 */
export function guardedLookup(allow: readonly string[], resolve: typeof dnsLookup = dnsLookup) {
  const { allowedNames, allowed } = parseAllow(allow);
  const forbidden = (ip: string) => !allowed.check(ip, familyOf(ip)) && FORBIDDEN.check(ip, familyOf(ip));

  return function lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const usable = allowedNames.has(hostname.toLowerCase())
        ? addresses
        : addresses.filter((a) => !forbidden(a.address));
      if (usable.length === 0) {
        const refused: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to a forbidden address: ${METADATA}`,
        );
        refused.code = 'EUPSTREAMFORBIDDEN';
        return callback(refused, '');
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
