// gateway-kit: the command line for the gateway's admin API — everyday tasks and configuration as code.
import { Command, CommanderError } from 'commander';
import { registerConfigCommands } from './commands/config-as-code.js';
import { makeContext } from './commands/context.js';
import { registerEveryday } from './commands/everyday.js';
import { registerSession } from './commands/session.js';
import { registerUsers } from './commands/users.js';
import { CliError, exitCodes } from './errors.js';

export function buildProgram(write: (text: string) => void = (t) => process.stdout.write(t)): Command {
  const program = new Command('gateway-kit')
    .description('Manage a gateway-kit gateway through its admin API.')
    .option('--url <url>', 'gateway URL (default: $GATEWAY_URL, then the profile)')
    .option('--token <token>', 'bearer token (default: $GATEWAY_TOKEN, then the profile)')
    .option('--profile <name>', 'saved profile to use (default: $GATEWAY_KIT_PROFILE, then the current one)')
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .showHelpAfterError()
    .exitOverride();
  const ctx = makeContext(program, write);
  registerSession(program, ctx);
  registerEveryday(program, ctx);
  registerUsers(program, ctx);
  registerConfigCommands(program, ctx);
  for (const c of allCommands(program)) c.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)]);
}

/** Runs the CLI and returns its exit code (the tests call this in-process). */
export async function run(
  argv: string[],
  io: { out: (t: string) => void; err: (t: string) => void } = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  },
): Promise<number> {
  const program = buildProgram(io.out);
  program.configureOutput({ writeOut: io.out, writeErr: io.err });
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? exitCodes.ok);
  } catch (err) {
    if (err instanceof CommanderError)
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
        ? exitCodes.ok
        : exitCodes.usage;
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`error: ${(err as Error).stack ?? String(err)}\n`);
    return exitCodes.failed;
  } finally {
    process.exitCode = undefined;
  }
}
