import { parseArgs } from 'node:util';
import { withExistingStore } from '../store/open-existing.ts';
import { generatePassword, passwordProblem } from '../security/passwords.ts';
import { createUser, findUserByUsername, isRole, roles, setPassword } from '../security/users.ts';
import { boxed } from '../security/first-admin.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { assertRoleUnit } from '../security/accounts.ts';
import { defineCommand } from './commands.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';

const passwordOptions = `  --password P       the password (at least 10 characters, 3 of lower/upper/digit/symbol, not the user name);
                     visible in the process list, so prefer --password-stdin
  --password-stdin   read the password from standard input
  Without a password, a random one is generated and printed once.
  The user must change the password at the next log-in either way.
  --data-dir DIR     folder of the database file (default: ./data, or GONGCHE_DATA_DIR)`;

const createUsage = `Usage: gongche user create --username U --role R [--unit-id N] [--password P | --password-stdin] [--data-dir DIR]

Creates a user of the web console and API.

Options:
  --username U       log-in name (2 to 40 letters, digits, "_", "." or "-")
  --role R           one of: ${roles.join(', ')}
  --unit-id N        the user's unit (needed by unit_supervisor and unit_operator)
${passwordOptions}`;

const resetUsage = `Usage: gongche user reset-password --username U [--password P | --password-stdin] [--data-dir DIR]

Sets a new password, unlocks the account and ends the user's sessions.

Options:
  --username U       log-in name
${passwordOptions}`;

const commonOptions = {
  username: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Returns the password given on the command line or stdin, or a generated one. */
async function choosePassword(values: { password?: string | undefined; 'password-stdin'?: boolean | undefined }, username: string) {
  if (values.password !== undefined && values['password-stdin']) throw invalid('Give either --password or --password-stdin, not both');
  const supplied = values['password-stdin'] ? await readStdin() : values.password;
  if (supplied === undefined) return { password: generatePassword(), generated: true };
  const problem = passwordProblem(supplied, username);
  if (problem) throw invalid(`Invalid password: it ${problem}`);
  return { password: supplied, generated: false };
}

function printGenerated(username: string, password: string): void {
  process.stdout.write(boxed([
    `用户 / User: ${username}`,
    `一次性密码 / One-time password: ${password}`,
    '此密码只显示这一次，首次登录后必须修改。',
    'Shown only this once; it must be changed at first log-in.',
  ]));
}


function requireOption(value: string | undefined, flag: string, usage: string): string {
  // One line, so the error code that the command runner appends stays on it.
  if (value === undefined || value === '') throw invalid(`Missing ${flag}. ${usage.split('\n')[0]}`, flag);
  return value;
}

defineCommand({
  path: ['user', 'create'],
  summary: 'create a console user',
  usage: createUsage,
  async run(args) {
    const { values } = parseArgs({ args, options: { ...commonOptions, role: { type: 'string' }, 'unit-id': { type: 'string' } }, strict: true });
    const username = requireOption(values.username, '--username', createUsage);
    const role = requireOption(values.role, '--role', createUsage);
    if (!isRole(role)) throw invalid(`Invalid role "${role}"; valid roles: ${roles.join(', ')}`, role);
    const unitId = values['unit-id'] === undefined ? null : Number(values['unit-id']);
    if (unitId !== null && !(Number.isInteger(unitId) && unitId > 0)) throw invalid(`--unit-id must be a positive integer, got "${values['unit-id']}"`);
    const { password, generated } = await choosePassword(values, username);
    const user = await withExistingStore(values['data-dir'], async (store) => {
      await assertRoleUnit(store.db, role, unitId).catch((error: unknown) => {
        throw error instanceof AppError && error.code === 'GONGCHE_ERR_VALIDATION' ? invalid(`Role ${role} needs a unit: give --unit-id`, role) : error;
      });
      const created = await createUser(store.db, { username, role, unitId, password, mustChangePassword: true });
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.userCreated, objectType: 'user', objectId: created.id, detail: { username, role, unitId } });
      return created;
    });
    console.log(`Created user ${user.username} (id ${user.id}, role ${user.role}${user.unitId === null ? '' : `, unit ${user.unitId}`}).`);
    if (generated) printGenerated(username, password);
    return 0;
  },
});

defineCommand({
  path: ['user', 'reset-password'],
  summary: 'set a new password for a user',
  usage: resetUsage,
  async run(args) {
    const { values } = parseArgs({ args, options: commonOptions, strict: true });
    const username = requireOption(values.username, '--username', resetUsage);
    const { password, generated } = await choosePassword(values, username);
    await withExistingStore(values['data-dir'], async (store) => {
      const user = await findUserByUsername(store.db, username);
      if (!user) throw notFound('User', username);
      await setPassword(store.db, user.id, password, { mustChangePassword: true });
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.userPasswordReset, objectType: 'user', objectId: user.id, detail: { username } });
    });
    console.log(`Password of ${username} reset; the account is unlocked and its sessions ended.`);
    if (generated) printGenerated(username, password);
    return 0;
  },
});
