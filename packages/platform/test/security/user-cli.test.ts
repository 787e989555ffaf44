import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/commands.ts';
import { openStore } from '../../src/store/db.ts';
import { checkLogin } from '../../src/security/login.ts';
import { defaultAuthSettings } from '../../src/config.ts';
import { captureStdout } from './stdout.ts';

let dataDir: string;
before(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-user-cli-'));
  // The CLI works only on an existing store, as created by `gongche serve`.
  await (await openStore({ file: path.join(dataDir, 'gongche.db'), synchronous: 'NORMAL' })).close();
});
after(async () => fs.rm(dataDir, { recursive: true, force: true }));

async function withDb<T>(work: (db: Awaited<ReturnType<typeof openStore>>['db']) => Promise<T>): Promise<T> {
  const store = await openStore({ file: path.join(dataDir, 'gongche.db'), synchronous: 'NORMAL' });
  try {
    return await work(store.db);
  } finally {
    await store.close();
  }
}

describe('gongche user', () => {
  test('refuses a unit operator without a unit', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    assert.equal(await runCli(['user', 'create', '--username', 'op.nounit', '--role', 'unit_operator', '--data-dir', dataDir]), 1);
    assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /Role unit_operator needs a unit: give --unit-id/);
  });

  test('refuses a data folder without a database', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-user-cli-empty-'));
    try {
      assert.equal(await runCli(['user', 'create', '--username', 'nobody', '--role', 'inspector', '--data-dir', empty]), 1);
      assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /No gongche database at .*GONGCHE_ERR_NO_STORE/);
      assert.deepEqual(await fs.readdir(empty), []);
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  test('create with a given password stores a user who must change it', async (t) => {
    t.mock.method(console, 'log', () => {});
    const code = await runCli(['user', 'create', '--username', 'zhang.wei', '--role', 'inspector', '--password', 'Inspect-2024', '--data-dir', dataDir]);
    assert.equal(code, 0);
    const user = await withDb((db) => checkLogin(db, 'zhang.wei', 'Inspect-2024', defaultAuthSettings));
    assert.equal(user.role, 'inspector');
    assert.equal(user.must_change_password, 1);
  });

  test('create without a password prints a generated one that logs in', async (t) => {
    t.mock.method(console, 'log', () => {});
    const stdout = captureStdout(t);
    const code = await runCli(['user', 'create', '--username', 'li.na', '--role', 'auditor', '--data-dir', dataDir]);
    stdout.restore();
    assert.equal(code, 0);
    const password = /One-time password: (\S+)/.exec(stdout.text())?.[1];
    assert.ok(password);
    const user = await withDb((db) => checkLogin(db, 'li.na', password, defaultAuthSettings));
    assert.equal(user.role, 'auditor');
  });

  test('create with a bad role fails and lists the valid roles', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    const code = await runCli(['user', 'create', '--username', 'wang', '--role', 'boss', '--data-dir', dataDir]);
    assert.equal(code, 1);
    const message = String(error.mock.calls.at(-1)?.arguments[0]);
    assert.match(message, /Invalid role "boss"/);
    assert.match(message, /bureau_admin, sys_admin, security_admin/);
  });

  test('create with a weak password or a taken name fails', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    t.mock.method(console, 'log', () => {});
    assert.equal(await runCli(['user', 'create', '--username', 'zhao', '--role', 'installer', '--password', 'short', '--data-dir', dataDir]), 1);
    assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /at least 10 characters/);
    assert.equal(await runCli(['user', 'create', '--username', 'zhang.wei', '--role', 'installer', '--password', 'Another-Pass-1', '--data-dir', dataDir]), 1);
    assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /already taken/);
    assert.equal(await runCli(['user', 'create', '--username', 'sun', '--role', 'unit_operator', '--unit-id', '42', '--password', 'Another-Pass-1', '--data-dir', dataDir]), 1);
    assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /Unit not found: 42/);
  });

  test('reset-password unlocks the account and replaces the password', async (t) => {
    t.mock.method(console, 'log', () => {});
    await withDb((db) => db.updateTable('users').set({ locked_until: Date.now() + 600_000 }).where('username', '=', 'zhang.wei').execute());
    const code = await runCli(['user', 'reset-password', '--username', 'zhang.wei', '--password', 'Fresh-Start-77', '--data-dir', dataDir]);
    assert.equal(code, 0);
    const user = await withDb((db) => checkLogin(db, 'zhang.wei', 'Fresh-Start-77', defaultAuthSettings));
    assert.equal(user.locked_until, null);
    await assert.rejects(withDb((db) => checkLogin(db, 'zhang.wei', 'Inspect-2024', defaultAuthSettings)), /Log-in failed/);
  });

  test('reset-password of an unknown user fails', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    assert.equal(await runCli(['user', 'reset-password', '--username', 'nobody', '--data-dir', dataDir]), 1);
    assert.match(String(error.mock.calls.at(-1)?.arguments[0]), /User not found: nobody/);
  });

  test('reset-password without username is one line', async (t) => {
    const error = t.mock.method(console, 'error', () => {});
    assert.equal(await runCli(['user', 'reset-password', '--data-dir', dataDir]), 1);
    assert.equal(String(error.mock.calls.at(-1)?.arguments[0]), 'gongche user reset-password: Missing --username. Usage: gongche user reset-password --username U [--password P | --password-stdin] [--data-dir DIR] [GONGCHE_ERR_VALIDATION]');
  });
});
