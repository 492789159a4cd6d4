// Secrets at rest (AI provider keys, webhook signing secrets, secrets in API settings): AES-256-GCM with a key derived from SECRET_KEY (or, failing that, ADMIN_TOKEN).
// The row id is bound in as associated data, so a sealed key copied onto another row does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D: 96-bit IVs for GCM
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export class SecretBox {
  readonly #key: Buffer;

  /**
   * `secret` is SECRET_KEY, or ADMIN_TOKEN when that is unset (see docs/ai.md for the trade-off); `purpose`
   * derives a key of its own per kind of secret (provider keys, webhook signing secrets).
   */
  constructor(secret: string, purpose = 'ai-provider-keys') {
    // HKDF, not a password KDF: both inputs are operator-chosen secrets of at least 16 characters, and a salt
    // per purpose keeps this key apart from anything else ever derived from the same secret.
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'gateway-kit', purpose, 32));
  }

  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /** Throws SecretBoxError when the value was sealed under another secret, for another row, or altered. */
  open(sealed: string, boundTo: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag)
      throw new SecretBoxError('not a sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('cannot open: sealed under another secret, for another row, or altered');
    }
  }
}

/** What people see of a key after creation: enough to tell two keys apart, never enough to use one. */
export function keyHint(key: string): string {
  return `…${key.slice(-4)}`;
}

type BoxEnv = { readonly SECRET_KEY?: string | undefined; readonly ADMIN_TOKEN: string };
const boxes = new Map<string, WeakMap<object, SecretBox>>();

function boxOf(env: BoxEnv, purpose: string): SecretBox {
  let perEnv = boxes.get(purpose);
  if (!perEnv) {
    perEnv = new WeakMap();
    boxes.set(purpose, perEnv);
  }
  let box = perEnv.get(env);
  if (!box) {
    box = new SecretBox(env.SECRET_KEY ?? env.ADMIN_TOKEN, purpose);
    perEnv.set(env, box);
  }
  return box;
}

/** The box for provider keys of a gateway: SECRET_KEY, or ADMIN_TOKEN when unset (docs/ai.md: the trade-off). */
export function providerKeyBox(env: BoxEnv): SecretBox {
  return boxOf(env, 'ai-provider-keys');
}

/** The box for webhook signing secrets (docs/webhooks.md): the same secret, a key derived for this purpose. */
export function webhookSecretBox(env: BoxEnv): SecretBox {
  return boxOf(env, 'webhook-secrets');
}

/** The box for secrets in API settings (policies/sealed-settings.ts): JWT shared secrets, introspection client secrets. */
export function apiSettingsBox(env: BoxEnv): SecretBox {
  return boxOf(env, API_SETTINGS_PURPOSE);
}

export const API_SETTINGS_PURPOSE = 'api-settings-secrets';
