import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openStore, type Store } from '../../src/store/db.ts';
import { ensureFirstAdmin } from '../../src/security/first-admin.ts';
import { checkLogin } from '../../src/security/login.ts';
import { defaultAuthSettings } from '../../src/config.ts';
import { captureStdout } from './stdout.ts';

let dir: string;
let store: Store;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-admin-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
});
after(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

test('first admin is created once with a printed one-time password', async (t) => {
  const stdout = captureStdout(t);
  const { logger, lines } = captureLogger();

  await ensureFirstAdmin(store.db, logger);
  stdout.restore();

  const output = stdout.text();
  assert.match(output, /一次性密码/);
  assert.match(output, /One-time password/);
  const password = /One-time password: (\S+)/.exec(output)?.[1];
  assert.ok(password, 'printed output contains the password');

  const user = await checkLogin(store.db, 'admin', password, defaultAuthSettings);
  assert.equal(user.role, 'bureau_admin');
  assert.equal(user.must_change_password, 1);

  assert.ok(lines.some((line) => /first administrator created/.test(line)));
  assert.ok(lines.every((line) => !line.includes(password)), 'the log never contains the password');

  const secondRun = captureStdout(t);
  await ensureFirstAdmin(store.db, logger);
  secondRun.restore();
  assert.equal(secondRun.text(), '');
  const users = await store.db.selectFrom('users').select('id').execute();
  assert.equal(users.length, 1);
});
