import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../logger.ts';
import { generatePassword } from './passwords.ts';
import { createUser } from './users.ts';

export const firstAdminUsername = 'admin';

/**
 * Creates the user `admin` (role bureau_admin) on a store without users. Its random password
 * must be changed at first log-in and is printed once to stdout, never logged.
 */
export async function ensureFirstAdmin(db: Kysely<Database>, logger: Logger): Promise<void> {
  const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const password = generatePassword();
  const user = await createUser(db, { username: firstAdminUsername, role: 'bureau_admin', password, mustChangePassword: true });
  process.stdout.write(boxed([
    '首个管理员账户已创建 / First administrator account created',
    '',
    `用户名 / User name:            ${firstAdminUsername}`,
    `一次性密码 / One-time password: ${password}`,
    '',
    '此密码只显示这一次，首次登录后必须修改。',
    'This password is shown only this once and must be changed at first log-in.',
  ]));
  logger.info({ userId: user.id, username: firstAdminUsername }, 'first administrator created; one-time password printed to stdout');
}

// CJK characters take two terminal columns.
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return width;
}

/** Frames lines in a box drawn with box-drawing characters. */
export function boxed(lines: string[]): string {
  const inner = Math.max(...lines.map(displayWidth));
  const rule = '─'.repeat(inner + 2);
  const body = lines.map((line) => `│ ${line}${' '.repeat(inner - displayWidth(line))} │`);
  return ['', `┌${rule}┐`, ...body, `└${rule}┘`, ''].join('\n') + '\n';
}
