import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.ts';

/** Opens a migrated store on a fresh SQLite file; cleanup closes and removes it. */
export async function factsStore(): Promise<{ store: Store; dir: string; cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-facts-'));
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  return {
    store,
    dir,
    async cleanup() {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Inserts a unit and a vehicle of it; returns their ids. */
export async function unitWithVehicle(store: Store, unitName: string, plate: string): Promise<{ unitId: number; vehicleId: number }> {
  const now = Date.now();
  const db = store.db;
  let unit = await db.selectFrom('units').select('id').where('name', '=', unitName).executeTakeFirst();
  unit ??= await db.insertInto('units').values({ name: unitName, category: 'other', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  const vehicle = await db.insertInto('vehicles').values({ unit_id: unit.id, plate, status: 'in_use', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return { unitId: unit.id, vehicleId: vehicle.id };
}
