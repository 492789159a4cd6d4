// The hand-over from the pretest to vitest: the TEST_* addresses the pretest checked, in a file under
// node_modules/.cache (npm runs pretest and test as separate processes, so an export cannot carry them).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** TEST_ENV_FILE overrides the place (the provisioner's own test uses a temporary one). */
export function testEnvFile(): string {
  return process.env.TEST_ENV_FILE || join(root, 'node_modules', '.cache', 'gateway-kit', 'test-env.json');
}

export function writeTestEnv(env: Record<string, string>): void {
  const file = testEnvFile();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(env, null, 2)}\n`);
}

/** The pretest's addresses, for vitest's `test.env`; a variable already exported wins. */
export function readTestEnv(): Record<string, string> {
  let saved: Record<string, string>;
  try {
    saved = JSON.parse(readFileSync(testEnvFile(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
  return Object.fromEntries(Object.entries(saved).filter(([name]) => !process.env[name]));
}
