// Webhook URLs are stricter than API targets: an API's upstream is usually a private service, but a webhook is
// a tenant asking the gateway to POST somewhere from inside the network, so private, loopback, link-local and
// other non-public addresses are refused (at write time for literals and local names, at connect time for the
// address a name resolved to) unless UPSTREAM_ALLOW lists them. The shared guard's checks (metadata, the
// gateway itself) apply on top (security/outbound.ts).
import { BlockList, isIP } from 'node:net';
import type { buildConnector } from 'undici';
import { OutboundRefused } from '../security/outbound.js';
import { allowList, parseAllow } from '../security/ssrf.js';

export const NOT_PUBLIC = 'webhooks may only be sent to public addresses (UPSTREAM_ALLOW lists exceptions)';

const NON_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
const nonPublic = new BlockList();
for (const [address, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(address, prefix, family);

const LOCAL_NAMES =
  /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.(localhost|local|internal)$/;

function bare(host: string): string {
  const h = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped ? mapped[1]! : h;
}

export class WebhookAddressGuard {
  readonly #names: Set<string>;
  readonly #allowed: BlockList;

  constructor(upstreamAllow: string) {
    const { allowedNames, allowed } = parseAllow(allowList(upstreamAllow));
    this.#names = allowedNames;
    this.#allowed = allowed;
  }

  #refusedIp(ip: string): boolean {
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    return !this.#allowed.check(ip, family) && nonPublic.check(ip, family);
  }

  /** Write-time: the reason a webhook URL is refused (an IP literal or a local name), or null. */
  checkUrl(url: string): string | null {
    let host: string;
    try {
      host = bare(new URL(url).hostname);
    } catch {
      return null; // the schema reports unparsable URLs
    }
    if (this.#names.has(host)) return null;
    if (isIP(host)) return this.#refusedIp(host) ? NOT_PUBLIC : null;
    return LOCAL_NAMES.test(host) ? NOT_PUBLIC : null;
  }

  /** Wraps the shared guard's connector: literals refused before connecting, resolved addresses before a byte. */
  connector(inner: buildConnector.connector): buildConnector.connector {
    return (options, callback) => {
      const host = bare(options.hostname);
      const named = this.#names.has(host);
      if (!named && isIP(host) && this.#refusedIp(host)) {
        return callback(new OutboundRefused('EUPSTREAMFORBIDDEN', `${host}: ${NOT_PUBLIC}`), null);
      }
      inner(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        const address = bare(socket.remoteAddress ?? '');
        if (!named && isIP(address) && this.#refusedIp(address)) {
          socket.destroy();
          return callback(new OutboundRefused('EUPSTREAMFORBIDDEN', `${address}: ${NOT_PUBLIC}`), null);
        }
        callback(null, socket);
      });
    };
  }
}
