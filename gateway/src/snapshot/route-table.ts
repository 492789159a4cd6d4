// Routes by host, then by path segment: a lookup walks at most one trie node per segment of the path, so its cost
// follows the path's depth, not the number of APIs. Same rule as before: the longest base path that is the path
// itself or a prefix of it ending at a `/` wins, host-specific routes before any-host ones.
import type { Api } from '../domain/types.js';

interface Node {
  api: Api | null;
  children: Map<string, Node> | null;
}

const newNode = (): Node => ({ api: null, children: null });

/** `/a/b` → ['a', 'b']; `/` → []. A trailing slash is a segment of its own (`/a/` → ['a', '']), as before. */
function segmentsOf(basePath: string): string[] {
  return basePath === '/' ? [] : basePath.slice(1).split('/');
}

export class RouteTable {
  /** host ('' = any host) → root of its trie. */
  readonly #hosts = new Map<string, Node>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  static hostKey(api: Api): string {
    return (api.host ?? '').toLowerCase();
  }

  add(api: Api): void {
    const key = RouteTable.hostKey(api);
    let node = this.#hosts.get(key) ?? newNode();
    this.#hosts.set(key, node);
    for (const segment of segmentsOf(api.basePath)) {
      node.children ??= new Map();
      const next: Node = node.children.get(segment) ?? newNode();
      node.children.set(segment, next);
      node = next;
    }
    if (!node.api) this.#size++;
    node.api = api;
  }

  /** Removes the route `api` was added under, if that API still holds it; prunes branches left empty. */
  remove(api: Api): void {
    const key = RouteTable.hostKey(api);
    const root = this.#hosts.get(key);
    if (!root) return;
    const path: Node[] = [root];
    const segments = segmentsOf(api.basePath);
    for (const segment of segments) {
      const next = path[path.length - 1]!.children?.get(segment);
      if (!next) return;
      path.push(next);
    }
    const leaf = path[path.length - 1]!;
    if (leaf.api?.id !== api.id) return;
    leaf.api = null;
    this.#size--;
    for (let i = path.length - 1; i > 0; i--) {
      const node = path[i]!;
      if (node.api || node.children?.size) break;
      const parent = path[i - 1]!;
      parent.children!.delete(segments[i - 1]!);
      if (parent.children!.size === 0) parent.children = null;
    }
    if (!root.api && !root.children) this.#hosts.delete(key);
  }

  /** Every route as `host|basePath` → API id (for comparing tables). */
  entries(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (host: string, path: string, node: Node) => {
      if (node.api) out.set(`${host}|${path || '/'}`, node.api.id);
      for (const [segment, child] of node.children ?? []) walk(host, `${path}/${segment}`, child);
    };
    for (const [host, root] of this.#hosts) walk(host, '', root);
    return out;
  }

  /** The API with the longest base path matching `path` under exactly this host key, or null. */
  find(hostKey: string, path: string): Api | null {
    let node = this.#hosts.get(hostKey);
    if (!node) return null;
    let best = node.api;
    // A path that does not start with `/` can only be under the root route.
    if (path.charCodeAt(0) !== 47) return best;
    let start = 1;
    while (node.children) {
      const slash = path.indexOf('/', start);
      const segment = slash === -1 ? path.slice(start) : path.slice(start, slash);
      const next: Node | undefined = node.children.get(segment);
      if (!next) break;
      node = next;
      if (node.api) best = node.api;
      if (slash === -1) break;
      start = slash + 1;
    }
    return best;
  }

  /**
   * The API for a call: the exact authority the client sent (an API may name `host:port`), then the host
   * without port, then the any-host routes. Both arguments are lower-case.
   */
  lookup(authority: string | undefined, host: string, path: string): Api | null {
    return (
      (authority && authority !== host && this.find(authority, path)) ||
      (host && this.find(host, path)) ||
      this.find('', path)
    );
  }
}
