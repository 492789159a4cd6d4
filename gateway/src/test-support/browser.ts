// A minimal browser for sign-in flows across sites: it keeps cookies per origin, follows redirects itself, and
// submits the simple HTML forms of an identity provider's pages. Real HTTP throughout, nothing intercepted.

export interface Page {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

export class Browser {
  /** origin → cookie name → value (paths and expiry dates are not modelled: tests use short flows). */
  readonly cookies = new Map<string, Map<string, string>>();

  jar(origin: string): Map<string, string> {
    let jar = this.cookies.get(origin);
    if (!jar) {
      jar = new Map();
      this.cookies.set(origin, jar);
    }
    return jar;
  }

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    const { origin } = new URL(url);
    const jar = this.jar(origin);
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const gone = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, pair!.slice(eq + 1).trim());
    }
    return { url, status: res.status, headers: res.headers, body: await res.text() };
  }

  /** Requests and follows redirects until a page that is not one, or one redirecting to a URL `stopBefore` matches. */
  async follow(
    url: string,
    stopBefore: (url: string) => boolean = () => false,
    init: { form?: Record<string, string> } = {},
  ): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; hops < 20; hops++) {
      const next = redirectOf(page);
      if (!next || stopBefore(next)) return page;
      page = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** Where a page redirects to (absolute), if it does. */
export function redirectOf(page: Page): string | undefined {
  const location = page.headers.get('location');
  return page.status >= 300 && page.status < 400 && location ? new URL(location, page.url).href : undefined;
}

/** The first form of an HTML page: its absolute action and its hidden fields. */
export function formOf(page: Page): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (!form) throw new Error(`no form on ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[input[1]!] = input[2]!;
  }
  return { action: new URL(form[1]!.replaceAll('&amp;', '&'), page.url).href, fields };
}
