// Starts `gongche serve`, replays the published terminal captures through `gongche replay`,
// and reads every position back through the HTTP API to compare it with the expected values.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/db.ts';
import { createUnit } from '../../src/registry/units.ts';
import { createVehicle } from '../../src/registry/vehicles.ts';
import { createTerminal } from '../../src/registry/terminals.ts';
import { terminalInput, unitInput, vehicleInput } from '../../src/registry/schemas.ts';

const bin = fileURLToPath(new URL('../../bin/gongche.mjs', import.meta.url));
const fixtureFile = fileURLToPath(new URL('../../../jt808/test/captures/frames.json', import.meta.url));

interface ExpectedPosition {
  latitude: number; longitude: number; altitudeM: number; speedKmh: number; course: number;
  timeUtc: string; fixed: boolean; acc: boolean; alarmBits: number[]; statusBits: number[];
}
interface Entry { id: string; hex: string; kind: string; valid: boolean; expect: { phone: string; messageId: string; positions?: ExpectedPosition[]; batch?: { type: number } } }

/** Auth codes that captured 0x0102 frames carry from the platform they were recorded on. */
const migratedCodes: Record<string, string> = { '013511221122': 'authentication', '010030000681': 'J10030000681' };

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const bits = (dword: number) => [...Array(32).keys()].filter((b) => (dword >>> b) & 1);

describe('replay of published terminal captures', () => {
  const entries: Entry[] = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));
  const valid = entries.filter((e) => e.kind === 'frame' && e.valid);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-e2e-'));
  const vehicleByPhone = new Map<string, number>();
  let server: ChildProcess;
  let httpPort: number;
  let jt808Port: number;
  let token: string;

  const api = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${url}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    const store = await openStore({ file: path.join(dir, 'gongche.db') });
    const unit = await createUnit(store.db, unitInput.parse({ name: '回放测试单位' }));
    let plate = 10000;
    for (const phone of new Set(valid.map((e) => e.expect.phone))) {
      const vehicle = await createVehicle(store.db, vehicleInput.parse({ unitId: unit.id, plate: `新Q${plate++}` }));
      await createTerminal(store.db, terminalInput.parse({ phone, vehicleId: vehicle.id, legacyAuthCode: migratedCodes[phone] }));
      vehicleByPhone.set(phone.replace(/^0+/, ''), vehicle.id);
    }
    await store.close();

    const created = await run(['user', 'create', '--username', 'e2e', '--role', 'bureau_admin', '--password', 'Temporary-Pass-1', '--data-dir', dir]);
    assert.equal(created.code, 0, created.stderr);

    [httpPort, jt808Port] = [await freePort(), await freePort()];
    server = spawn(process.execPath, [bin, 'serve', '--data-dir', dir, '--http-port', String(httpPort), '--jt808-host', '127.0.0.1', '--jt808-port', String(jt808Port)], {
      env: { ...process.env, GONGCHE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Up to 60 s: a cold start compiles the TypeScript sources, which is slow on a loaded machine.
    for (let i = 0; i < 600; i++) {
      const up = await fetch(`http://127.0.0.1:${httpPort}/api/health`).then(() => true, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    token = '';
    const login = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: 'e2e', password: 'Temporary-Pass-1' }) });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.token;
    const changed = await api('/api/auth/password', { method: 'POST', body: JSON.stringify({ currentPassword: 'Temporary-Pass-1', newPassword: 'Replay-Check-2026' }) });
    assert.ok(changed.status < 300, JSON.stringify(changed.body));
    const again = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: 'e2e', password: 'Replay-Check-2026' }) });
    token = again.body.token;
  });

  after(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replays every valid capture and reads each position back through the API', async () => {
    const capture = path.join(dir, 'capture.txt');
    fs.writeFileSync(capture, ['# published terminal captures', ...valid.map((e) => `# ${e.id}\n${e.hex}`)].join('\n') + '\n');
    const replay = await run(['replay', capture, '--host', '127.0.0.1', '--port', String(jt808Port)]);
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);

    let compared = 0;
    for (const entry of valid) {
      for (const expected of entry.expect.positions ?? []) {
        const vehicleId = vehicleByPhone.get(entry.expect.phone.replace(/^0+/, ''))!;
        const time = Date.parse(expected.timeUtc);
        const from = new Date(time - 1000).toISOString();
        const to = new Date(time + 1000).toISOString();
        const { status, body } = await api(`/api/vehicles/${vehicleId}/positions?from=${from}&to=${to}&includeInvalid=true`);
        assert.equal(status, 200, JSON.stringify(body));
        const found = body.items.find((p: any) => Math.abs(p.latitude - expected.latitude) < 1e-9 && Math.abs(p.longitude - expected.longitude) < 1e-9);
        assert.ok(found, `${entry.id}: no stored position at ${expected.timeUtc} (${expected.latitude}, ${expected.longitude})`);
        assert.equal(found.time, expected.timeUtc.replace('Z', '.000Z'), entry.id);
        assert.equal(found.altitudeM, expected.altitudeM, entry.id);
        assert.ok(Math.abs(found.speedKmh - expected.speedKmh) < 1e-9, entry.id);
        assert.equal(found.course, expected.course, entry.id);
        assert.equal(found.fixed, expected.fixed, entry.id);
        assert.equal(found.acc, expected.acc, entry.id);
        assert.deepEqual(bits(found.alarm), expected.alarmBits, entry.id);
        assert.deepEqual(bits(found.status), expected.statusBits, entry.id);
        assert.equal(found.batchType, entry.expect.batch?.type ?? null, entry.id);
        compared++;
      }
    }
    assert.ok(compared >= 40, `compared ${compared} positions`);
  });
});
