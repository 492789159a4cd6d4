// People: list users, and create one — the way to the first admin without a default password (docs/people.md):
// the ADMIN_TOKEN holder creates them, they set their own password through the one-time link.
import type { Command } from 'commander';
import { CliError, exitCodes } from '../errors.js';
import type { Context } from './context.js';

const userColumns = ['id', 'email', 'displayName', 'status', 'platformAdmin', 'memberships'];
const tenantRoles = ['viewer', 'developer', 'maintainer', 'owner'];

/** `--member ten_…:maintainer`, repeatable. */
function member(value: string, previous: { tenantId: string; role: string }[] = []) {
  const [tenantId, role] = value.split(':');
  if (!tenantId || !role || !tenantRoles.includes(role)) {
    throw new CliError(
      `--member must be <tenant id>:<${tenantRoles.join('|')}>, got ${value}`,
      exitCodes.usage,
    );
  }
  return [...previous, { tenantId, role }];
}

export function registerUsers(program: Command, ctx: Context): void {
  const users = program.command('users').description('users: people who sign in to the admin API');
  users
    .command('list')
    .description('List users (platform admins only)')
    .action(async () => ctx.out(await ctx.api().list('/users'), userColumns));
  users
    .command('create')
    .description('Create a user; they set their password through the one-time link (mailed with SMTP_URL)')
    .requiredOption('--email <email>', 'their email, which they sign in with')
    .option('--name <name>', 'display name (default: the email)')
    .option('--platform-admin', 'make them a platform admin')
    .option('--member <tenant:role>', 'a role in a tenant, e.g. ten_abc:maintainer (repeatable)', member)
    .action(
      async (f: {
        email: string;
        name?: string;
        platformAdmin?: boolean;
        member?: ReturnType<typeof member>;
      }) => {
        const created = await ctx
          .api()
          .call<{ user: Record<string, unknown>; link: string | null }>('POST', '/users', {
            email: f.email,
            displayName: f.name ?? f.email,
            platformAdmin: f.platformAdmin ?? false,
            memberships: f.member ?? [],
          });
        if (ctx.format() !== 'table') return ctx.out(created);
        ctx.out(created.user, userColumns);
        ctx.print(
          created.link
            ? `\nSend them this one-time link (valid 7 days) to set a password:\n${created.link}\n`
            : '\nThe invitation was mailed.\n',
        );
      },
    );
}
