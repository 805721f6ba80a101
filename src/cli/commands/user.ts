import type { Command } from '../command.ts';
import { EXIT, parse, UsageError, withRuntime } from '../command.ts';
import { systemContext } from '../../platform/context.ts';
import {
  createUser,
  findUserByEmail,
  grantRole,
  grantRoleByReference,
  ROLES,
} from '../../modules/accounts/index.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One line: the trailing newline of `echo` or a here-string is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const userAdd: Command = {
  name: 'user add',
  summary: 'Create a verified account (with --admin: a site administrator)',
  usage: 'commons user add --email E [--name N] [--admin] [--password-stdin]',
  async run(argv) {
    const { values } = parse(argv, {
      email: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
    });
    if (!values.email) throw new UsageError('Give the account an email address: --email E');
    const password = values['password-stdin'] ? await readStdin() : null;
    if (values['password-stdin'] && !password)
      throw new UsageError('No password on standard input.');
    return withRuntime(async ({ deps }) => {
      const ctx = systemContext(deps);
      const user = await createUser(ctx, {
        email: values.email!,
        displayName: values.name ?? values.email!.split('@')[0]!,
        password,
        verified: true,
      });
      if (values.admin) await grantRole(ctx, user.id, 'site-admin');
      console.log(
        `Created ${user.email} (${user.id})${values.admin ? ' as site administrator' : ''}.`,
      );
      if (!password) {
        console.log(
          'No password set: use "Forgotten your password?" on the sign-in page to choose one.',
        );
      }
      if (values.admin) {
        console.log('Site administrators set up two-step verification at their first sign-in.');
      }
      return EXIT.ok;
    });
  },
};

export const userGrant: Command = {
  name: 'user grant',
  summary: 'Grant a role, site-wide or for one process, event or organisation',
  usage: 'commons user grant --email E --role R [--process ID | --event ID | --organisation SLUG]',
  async run(argv) {
    const { values } = parse(argv, {
      email: { type: 'string' },
      role: { type: 'string' },
      process: { type: 'string' },
      event: { type: 'string' },
      organisation: { type: 'string' },
    });
    if (!values.email) throw new UsageError('Say whose role it is: --email E');
    if (!values.role) throw new UsageError(`Say which role: --role R (${ROLES.join(', ')})`);
    const scopes = (['process', 'event', 'organisation'] as const).filter((s) => values[s]);
    if (scopes.length > 1)
      throw new UsageError('Give at most one of --process, --event, --organisation.');
    const scopeType = scopes[0] ?? 'site';
    return withRuntime(async ({ deps }) => {
      const ctx = systemContext(deps);
      const user = await findUserByEmail(ctx, values.email!);
      if (!user || user.status !== 'active') {
        console.error(`No active account has the address ${values.email}.`);
        return EXIT.failed;
      }
      const grant = await grantRoleByReference(ctx, user.id, {
        role: values.role!,
        scopeType,
        scopeRef: scopeType === 'site' ? null : values[scopeType]!,
      });
      const where = scopeType === 'site' ? 'the whole site' : `${scopeType} ${values[scopeType]}`;
      console.log(
        grant
          ? `Granted ${values.role} on ${where} to ${user.email}.`
          : `${user.email} already holds ${values.role} on ${where}.`,
      );
      return EXIT.ok;
    });
  },
};
