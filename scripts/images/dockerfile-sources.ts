// Finds which parts of the build context a Dockerfile reads: COPY/ADD sources and RUN bind mounts.
import { posix } from 'node:path';
import { DockerfileParser, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { ImagesError, ImagesErrorCode } from './errors.js';

/** A context path or Go-style glob (`*`, `?`, `[…]`), relative to the context root, `.` for all of it. */
export type ContextSource = string;

const GLOB_CHARS = /[*?[]/;
const REMOTE_SOURCE = /^(https?:\/\/|git@|[a-z]+:\/\/)/i;

/**
 * Context sources the Dockerfile reads, with `${ARG}` references expanded from `buildArgs`, then from the
 * ARG defaults. Stage and image sources (`--from`) are not context and are left out: the hash covers what
 * a change in the working tree can alter.
 */
export function dockerfileSources(
  dockerfile: string,
  buildArgs: Readonly<Record<string, string>>,
): ContextSource[] {
  const parsed = DockerfileParser.parse(dockerfile);
  const args = new Map<string, string>();
  const sources = new Set<string>();
  for (const instruction of parsed.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'ARG') recordArg(instruction, buildArgs, args);
    else if (keyword === 'COPY' || keyword === 'ADD') {
      for (const source of copySources(instruction as JSONInstruction, keyword, args)) sources.add(source);
    } else if (keyword === 'RUN') {
      for (const source of bindMountSources(instruction as JSONInstruction, args)) sources.add(source);
    }
  }
  return [...sources].sort();
}

function recordArg(
  instruction: Instruction,
  buildArgs: Readonly<Record<string, string>>,
  args: Map<string, string>,
) {
  for (const argument of instruction.getArguments()) {
    const [name, ...rest] = argument.getValue().split('=');
    if (!name) continue;
    const fallback = rest.length > 0 ? expand(rest.join('='), args) : '';
    args.set(name, buildArgs[name] ?? fallback);
  }
}

function copySources(instruction: JSONInstruction, keyword: string, args: Map<string, string>): string[] {
  if (instruction.getFlags().some((flag) => flag.getName() === 'from')) return [];
  const values = jsonForm(instruction) ?? instruction.getArguments().map((argument) => argument.getValue());
  if (values.length < 2) {
    const line = instruction.getRange().start.line + 1;
    throw new ImagesError(
      ImagesErrorCode.dockerfileInvalid,
      `line ${line}: ${keyword} needs a source and a destination`,
    );
  }
  return values
    .slice(0, -1)
    .filter((value) => !(keyword === 'ADD' && REMOTE_SOURCE.test(value)))
    .map((value) => normalizeSource(expand(value, args)));
}

/**
 * The exec (JSON array) form, parsed from the raw text: dockerfile-ast's JSON strings drop the spaces
 * inside a value (`["src dir/a"]` comes back as `srcdir/a`).
 */
function jsonForm(instruction: JSONInstruction): string[] | null {
  if (instruction.getJSONStrings().length === 0) return null;
  const raw = (instruction.getRawArgumentsContent() ?? '').replace(/\\\r?\n/g, '');
  const array = raw.replace(/^(\s*--\S+)*\s*/, '');
  try {
    const parsed: unknown = JSON.parse(array);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

function bindMountSources(instruction: JSONInstruction, args: Map<string, string>): string[] {
  const sources: string[] = [];
  for (const flag of instruction.getFlags()) {
    if (flag.getName() !== 'mount') continue;
    const options = new Map(flag.getOptions().map((option) => [option.getName(), option.getValue() ?? '']));
    if ((options.get('type') ?? 'bind') !== 'bind' || options.has('from')) continue;
    sources.push(normalizeSource(expand(options.get('source') ?? options.get('src') ?? '.', args)));
  }
  return sources;
}

/** `${NAME}`, `${NAME:-default}` and `$NAME`, the forms a COPY source can use. */
function expand(value: string, args: Map<string, string>): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, braced, def, bare) => {
      const found = args.get(braced ?? bare);
      return found !== undefined && found !== '' ? found : (def ?? '');
    },
  );
}

/** Context-relative and normalised; a source cannot climb out of the context, as in Docker. */
export function normalizeSource(source: string): string {
  const normalized = posix.normalize(`/${source}`).slice(1).replace(/\/$/, '');
  return normalized === '' ? '.' : normalized;
}

export function isGlob(source: string): boolean {
  return GLOB_CHARS.test(source);
}
