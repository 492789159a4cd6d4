// What every command needs: the admin client (made on first use, from flags, env or profile) and output.
import type { Command } from 'commander';
import { AdminApi } from '../client.js';
import { CliError, exitCodes } from '../errors.js';
import { type Columns, type OutputFormat, outputFormats, render } from '../output.js';
import { resolveConnection } from '../profile.js';

export interface Context {
  api(): AdminApi;
  format(): OutputFormat;
  /** Render data in the chosen format. */
  out(data: unknown, columns?: Columns): void;
  print(text: string): void;
}

export function makeContext(program: Command, write: (text: string) => void): Context {
  let client: AdminApi | undefined;
  const format = (): OutputFormat => {
    const f = program.opts().output as string;
    if (!(outputFormats as readonly string[]).includes(f))
      throw new CliError(`--output must be one of ${outputFormats.join(', ')}`, exitCodes.usage);
    return f as OutputFormat;
  };
  return {
    api() {
      client ??= new AdminApi(resolveConnection(program.opts()));
      return client;
    },
    format,
    out: (data, columns) => write(render(data, format(), columns)),
    print: write,
  };
}
