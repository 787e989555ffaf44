import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { attachTestKeyring } from '../helpers/keyring.ts';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/db.ts';
import { createUnit } from '../../src/registry/units.ts';
import { createVehicle } from '../../src/registry/vehicles.ts';
import { createTerminal } from '../../src/registry/terminals.ts';
import { terminalInput, unitInput, vehicleInput } from '../../src/registry/schemas.ts';
import { RawTerminal } from '../helpers/gateway-harness.ts';
import { position } from '../helpers/positions.ts';

const child = fileURLToPath(new URL('../helpers/gateway-child.ts', import.meta.url));

it('keeps every acknowledged report when the gateway process is killed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-kill-'));
  const file = path.join(dir, 'gongche.db');
  const masterHex = randomBytes(32).toString('hex');
  const seed = await openStore({ file });
  const unit = await createUnit(seed.db, unitInput.parse({ name: '喀什地区耐久测试单位' }));
  const vehicle = await createVehicle(seed.db, vehicleInput.parse({ unitId: unit.id, plate: '新Q30001' }));
  const terminal = await createTerminal(seed.db, terminalInput.parse({ phone: '013900000041', vehicleId: vehicle.id }));
  await seed.close();

  const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, masterHex], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(proc.stdout, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    const client = await RawTerminal.connect(port, '013900000041');
    await client.login('新Q30001');

    // Send reports without waiting, note which were acknowledged, then kill mid-stream.
    const base = Date.parse('2026-12-04T05:00:00Z');
    const acknowledged: number[] = [];
    const serials: number[] = [];
    for (let i = 0; i < 400; i++) {
      serials.push(client.send({ messageId: 0x0200, body: position({ time: new Date(base + i * 1000), latitude: 39.46 + i * 0.00001 }) }));
    }
    await client.ack(serials[150]!, 5000);
    proc.kill('SIGKILL');
    await once(proc, 'exit');
    for (const m of client.received) if (m.messageId === 0x8001 && m.body.result === 0 && serials.includes(m.body.replySerial)) acknowledged.push(m.body.replySerial);
    acknowledged.push(serials[150]!);

    const reopened = await openStore({ file });
    attachTestKeyring(reopened, masterHex);
    const stored = await reopened.db.selectFrom('positions').select('device_time').where('terminal_id', '=', terminal.id).execute();
    await reopened.close();
    const storedTimes = new Set(stored.map((r) => r.device_time));
    for (const serial of acknowledged) {
      const index = serials.indexOf(serial);
      assert.ok(storedTimes.has(base + index * 1000), `acknowledged report ${index} missing after kill`);
    }
    assert.ok(acknowledged.length >= 150);
  } finally {
    proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
