import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gongche.mjs', import.meta.url));

/** Runs `gongche serve` with the given port taken and returns its exit code and stderr, or null when it is still running after the timeout. */
async function serveOnTakenPort(portKind: 'jt808' | 'http'): Promise<{ code: number | null; stderr: string }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const takenPort = (holder.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-port-'));
  const ports = portKind === 'jt808' ? ['--jt808-port', String(takenPort), '--http-port', '0'] : ['--jt808-port', '0', '--http-port', String(takenPort)];
  const child = spawn(process.execPath, [bin, 'serve', '--data-dir', dir, '--jt808-host', '127.0.0.1', ...ports], { env: { ...process.env, GONGCHE_LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 30_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code === null) child.kill('SIGKILL');
  holder.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, stderr };
}

test('serve exits when the JT/T 808 port is taken', async () => {
  const { code, stderr } = await serveOnTakenPort('jt808');
  assert.equal(code, 1, `serve should stop, got ${code}; stderr: ${stderr}`);
  assert.match(stderr, /The JT\/T 808 port 127\.0\.0\.1:\d+ is already in use; choose another with --jt808-port/);
});

test('serve exits when the HTTP port is taken', async () => {
  const { code, stderr } = await serveOnTakenPort('http');
  assert.equal(code, 1, `serve should stop, got ${code}; stderr: ${stderr}`);
  assert.match(stderr, /The HTTP port 127\.0\.0\.1:\d+ is already in use/);
});
