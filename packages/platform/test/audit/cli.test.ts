import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/db.ts';
import { appendEntries, tamper, tempStore, type TempStore } from './store-helpers.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs the gongche CLI in a child process and returns its exit code and output. */
function gongche(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, GONGCHE_LOG_LEVEL: 'silent' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

let t: TempStore;
before(async () => {
  t = await tempStore();
  appendEntries(t.store, 5);
});
after(async () => t.cleanup());

/** Actions recorded in the file, read on a fresh connection. */
async function actions(): Promise<string[]> {
  const store = await openStore({ file: t.store.file, synchronous: 'NORMAL' });
  try {
    return (store.sqlite.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map((r) => r.action);
  } finally {
    await store.close();
  }
}

describe('gongche audit and user commands', () => {
  test('user create and reset-password are recorded under the operating-system account', async () => {
    const created = await gongche(['user', 'create', '--username', 'cli.operator', '--role', 'inspector', '--data-dir', t.dir, '--password-stdin'], 'Kashgar-Pass-2024\n');
    assert.equal(created.code, 0, created.stderr);
    const reset = await gongche(['user', 'reset-password', '--username', 'cli.operator', '--data-dir', t.dir]);
    assert.equal(reset.code, 0, reset.stderr);
    const recorded = await actions();
    assert.deepEqual(recorded.slice(-2), ['user.created', 'user.password_reset']);
  });

  test('registry import is recorded with its counts', async () => {
    const file = path.join(t.dir, 'registry.csv');
    await fs.writeFile(file, '单位名称,车牌号,车辆类型,使用性质,终端手机号\n喀什地区审计局,新Q40001,轿车,一般公务用车,013944440001\n');
    const result = await gongche(['registry', 'import', file, '--data-dir', t.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await actions()).at(-1), 'registry.imported');
  });

  test('verify exits 0 on an intact log', async () => {
    const result = await gongche(['audit', 'verify', '--data-dir', t.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /审计日志完整 \/ Audit log intact/);
  });

  test('checkpoints writes a sheet that verify accepts, and verify rejects it after the chain was rewritten', async () => {
    const sheet = path.join(t.dir, 'checkpoints.txt');
    const exported = await gongche(['audit', 'checkpoints', '--from', '2020-01-01', '--out', sheet, '--data-dir', t.dir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(await fs.readFile(sheet, 'utf8'), /日期 Date/);
    assert.equal((await gongche(['audit', 'verify', '--checkpoints', sheet, '--data-dir', t.dir])).code, 0);

    // Rewrite every digest, so that only the sealed sheet can tell.
    const { entryDigest } = await import('../../src/audit/digest.ts');
    tamper(t.store, (db) => {
      db.prepare("UPDATE audit_log SET actor_username = 'forged' WHERE seq = 3").run();
      let prev: string | undefined;
      for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Parameters<typeof entryDigest>[0][]) {
        const fields = { ...row, prev_digest: prev ?? row.prev_digest };
        prev = entryDigest(fields);
        db.prepare('UPDATE audit_log SET prev_digest = ?, digest = ? WHERE seq = ?').run(fields.prev_digest, prev, row.seq);
      }
    });
    const result = await gongche(['audit', 'verify', '--checkpoints', sheet, '--data-dir', t.dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /第一个异常条目 \/ First bad entry: #1/);
    assert.match(result.stderr, /checkpoint_mismatch/);
  });

  test('verify exits 1 and names the first bad entry in Chinese and English after a change', async () => {
    tamper(t.store, (db) => db.prepare("UPDATE audit_log SET action = 'auth.logout' WHERE seq = 4").run());
    const result = await gongche(['audit', 'verify', '--data-dir', t.dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /First bad entry: #4/);
    assert.match(result.stderr, /已被修改 \/ changed/);
    assert.match(result.stderr, /防篡改触发器缺失/);
  });

  test('checkpoints refuses to export a broken chain', async () => {
    const result = await gongche(['audit', 'checkpoints', '--from', '2020-01-01', '--data-dir', t.dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Checkpoints not exported/);
  });

  test('verify refuses a folder without a database instead of creating one', async () => {
    const empty = path.join(t.dir, 'empty');
    const result = await gongche(['audit', 'verify', '--data-dir', empty]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No gongche database at .*GONGCHE_ERR_NO_STORE/);
  });

  test('retention purge --dry-run reports counts and exits 0', async () => {
    const result = await gongche(['retention', 'purge', '--dry-run', '--data-dir', t.dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Dry run: nothing was deleted/);
  });
});
