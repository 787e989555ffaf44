import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { RawTerminal, startTestGateway } from '../helpers/gateway-harness.ts';
import { position } from '../helpers/positions.ts';
import { PositionReader } from '../../src/ingest/sealed-rows.ts';
import { positionsWithFrames, sealedRow } from '../../src/api/positions-query.ts';
import { encodePositionValues } from '../../src/ingest/position-record.ts';

/** Every byte pattern under which a coordinate could appear in the file. */
function patterns(degrees: number): Buffer[] {
  const micro = Math.round(degrees * 1e6);
  const int32 = (write: 'writeInt32BE' | 'writeInt32LE') => { const b = Buffer.alloc(4); b[write](micro); return b; };
  const double = (write: 'writeDoubleBE' | 'writeDoubleLE') => { const b = Buffer.alloc(8); b[write](degrees); return b; };
  return [Buffer.from(String(degrees)), Buffer.from(String(micro)), int32('writeInt32BE'), int32('writeInt32LE'), double('writeDoubleBE'), double('writeDoubleLE')];
}

it('keeps no plaintext coordinates in the database or its WAL', async () => {
  const t = await startTestGateway();
  const file = path.join(t.dir, 'gongche.db');
  const latitude = 39.471234;
  const longitude = 75.987654;
  try {
    await t.addTerminal('013900000051', '新Q50001');
    const client = await RawTerminal.connect(t.gateway.port, '013900000051');
    await client.login('新Q50001');
    for (let i = 0; i < 5; i++) {
      const serial = client.send({ messageId: 0x0200, body: position({ time: new Date(Date.parse('2026-12-04T06:00:00Z') + i * 1000), latitude, longitude }) });
      assert.equal(await client.ack(serial), 0);
    }
    client.close();

    // The reports are readable through the keyring, so the search below looks at real data.
    const row = await positionsWithFrames(t.store.db).orderBy('positions.id').executeTakeFirstOrThrow();
    assert.equal(new PositionReader(t.store.keyring!).values(sealedRow(row)).latitude, latitude);

    const fileBytes = () => Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    const bytes = fileBytes();
    for (const degrees of [latitude, longitude]) {
      for (const pattern of patterns(degrees)) {
        assert.equal(bytes.indexOf(pattern), -1, `found ${pattern.toString('hex')} for ${degrees}`);
      }
    }

    // The search does find an unsealed coordinate written the same way.
    t.store.sqlite.exec('CREATE TABLE probe (value BLOB)');
    t.store.sqlite.prepare('INSERT INTO probe VALUES (?)').run(encodePositionValues(position({ latitude, longitude })));
    assert.notEqual(fileBytes().indexOf(patterns(latitude)[2]!), -1);
  } finally {
    await t.close();
  }
});
