// login, logout, status and shell completion.
import type { Command } from 'commander';
import { AdminApi } from '../client.js';
import { CliError, exitCodes } from '../errors.js';
import { profilePath, readProfiles, writeProfiles } from '../profile.js';
import type { Context } from './context.js';

export function registerSession(program: Command, ctx: Context): void {
  program
    .command('login')
    .description(
      'Check a gateway URL and token (platform, tenant or personal access token) and save them as a profile',
    )
    .usage('--url <gateway> --token <token> [--name <profile>]')
    .option('--name <profile>', 'profile name', 'default')
    .action(async (f: { name: string }) => {
      // --url and --token are the program's own options, so they read the same before or after `login`.
      const { url = process.env.GATEWAY_URL, token = process.env.GATEWAY_TOKEN } = program.opts();
      if (!url || !token)
        throw new CliError(
          'login needs --url and --token (or GATEWAY_URL and GATEWAY_TOKEN)',
          exitCodes.usage,
        );
      // Any authenticated read proves the token; /apis answers every kind of caller.
      await new AdminApi({ url, token }).call('GET', '/apis');
      const file = readProfiles();
      file.profiles[f.name] = { url, token };
      file.current = f.name;
      writeProfiles(file);
      ctx.print(`logged in to ${url} as profile ${f.name} (saved in ${profilePath()})\n`);
    });

  program
    .command('logout')
    .description('Forget a saved profile')
    .option('--name <profile>', 'profile name', 'default')
    .action((f: { name: string }) => {
      const file = readProfiles();
      delete file.profiles[f.name];
      if (file.current === f.name) file.current = undefined;
      writeProfiles(file);
      ctx.print(`forgot profile ${f.name}\n`);
    });

  program
    .command('status')
    .description('Where the CLI points, whether the gateway is ready, and what the token sees')
    .action(async () => {
      const api = ctx.api();
      const [apis, apps, tenants] = await Promise.all([
        api.list('/apis'),
        api.list('/apps'),
        api.list('/tenants').catch(() => null),
      ]);
      ctx.out({
        url: api.url,
        ready: await api.ready(),
        caller: tenants === null ? 'tenant' : 'platform',
        tenants: tenants?.length ?? null,
        apis: apis.length,
        apps: apps.length,
      });
    });

  program
    .command('completion <shell>')
    .description('Print a completion script: bash or zsh (e.g. `source <(gateway-kit completion bash)`)')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh')
        throw new CliError('completion: shell must be bash or zsh', exitCodes.usage);
      ctx.print(completionScript(program, shell));
    });
}

/** Completes command and sub-command names and their options, from the command tree itself. */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const words = (c: Command) => [
    ...c.commands.map((s) => s.name()),
    ...c.options.map((o) => o.long!).filter(Boolean),
  ];
  const cases = program.commands.map((c) => `    ${c.name()}) opts="${words(c).join(' ')}" ;;`).join('\n');
  const body = `_gateway_kit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="${words(program).join(' ')}" ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then opts="${words(program).join(' ')}"; fi
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _gateway_kit gateway-kit
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${body}` : body;
}
