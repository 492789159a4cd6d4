// `images verify`: every entry of images.lock.json exists in its registry with exactly that digest.
import { ImagesError, ImagesErrorCode } from './errors.js';
import { readLock } from './lock-file.js';
import { RegistryClient } from './registry-client.js';

export type VerifyResult = {
  readonly name: string;
  readonly ref: string;
  readonly ok: boolean;
  readonly problem: string | null;
};

export async function verifyCommand(options: {
  lockPath: string;
  insecureRegistry: boolean;
}): Promise<VerifyResult[]> {
  const lock = readLock(options.lockPath, true);
  const clients = new Map<string, RegistryClient>();
  const results = await Promise.all(
    Object.entries(lock.images)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([name, entry]): Promise<VerifyResult> => {
        const slash = entry.repository.indexOf('/');
        const host = entry.repository.slice(0, slash);
        const repository = entry.repository.slice(slash + 1);
        let client = clients.get(host);
        if (!client) {
          client = new RegistryClient(host, { insecure: options.insecureRegistry });
          clients.set(host, client);
        }
        const found = await client.manifestDigest(repository, entry.digest);
        if (found === null) return { name, ref: entry.ref, ok: false, problem: 'not in the registry' };
        if (found !== entry.digest)
          return { name, ref: entry.ref, ok: false, problem: `registry has ${found}` };
        return { name, ref: entry.ref, ok: true, problem: null };
      }),
  );
  if (results.length === 0)
    throw new ImagesError(ImagesErrorCode.lockInvalid, `${options.lockPath} lists no image`);
  return results;
}
