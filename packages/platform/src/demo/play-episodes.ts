import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../logger.ts';
import { placeFromRow } from '../places/repository.ts';
import type { Place } from '../rules/places.ts';
import { uploadBlindArea } from '../simulator/batch-upload.ts';
import { episodeDay, powerCut, residentialNight, venueEvening, type Episode, type EpisodePlaces } from './episodes.ts';

type EpisodeBuilder = (day: number, places: EpisodePlaces) => Episode;

/** The scripted episodes and the category of the place each one goes to (null: it stays at home). */
const scripts: { build: EpisodeBuilder; target: string | null }[] = [
  { build: venueEvening, target: 'entertainment' },
  { build: residentialNight, target: 'residential' },
  { build: powerCut, target: null },
];

interface SpareVehicle {
  phone: string;
  plate: string;
  unitId: number;
}

/** Returns bound terminals beyond the first `skip` in registry order: those the live demo simulation leaves alone. */
async function spareVehicles(db: Kysely<Database>, skip: number, count: number): Promise<SpareVehicle[]> {
  const rows = await db
    .selectFrom('terminals')
    .innerJoin('vehicles', 'vehicles.id', 'terminals.vehicle_id')
    .select(['terminals.phone', 'vehicles.plate', 'vehicles.unit_id'])
    .orderBy('terminals.id')
    .offset(skip)
    .limit(count)
    .execute();
  return rows.map((row) => ({ phone: row.phone, plate: row.plate, unitId: row.unit_id }));
}

async function homeOf(db: Kysely<Database>, unitId: number): Promise<Place | null> {
  const row = await db.selectFrom('places').selectAll().where('category', '=', 'designated_parking').where('unit_id', '=', unitId).orderBy('id').executeTakeFirst();
  return row ? placeFromRow(row) : null;
}

async function firstOf(db: Kysely<Database>, category: string): Promise<Place | null> {
  const row = await db.selectFrom('places').selectAll().where('category', '=', category).orderBy('id').executeTakeFirst();
  return row ? placeFromRow(row) : null;
}

/**
 * Uploads scripted episodes of the previous day as blind-area batches: an evening at a KTV, a
 * night at a residential compound and a main power cut. They come from demo terminals that the
 * live simulation does not drive, so that a new installation shows alerts with evidence at once.
 * The fixes of a day are deterministic: playing them again the same day stores nothing twice.
 */
export async function playDemoEpisodes(options: { db: Kysely<Database>; host: string; port: number; logger: Logger; skipTerminals: number; now?: number }): Promise<number> {
  const logger = options.logger.child({ component: 'demo-episodes' });
  const day = episodeDay(options.now ?? Date.now());
  const vehicles = await spareVehicles(options.db, options.skipTerminals, scripts.length);
  let played = 0;
  for (const [index, vehicle] of vehicles.entries()) {
    const script = scripts[index]!;
    const home = await homeOf(options.db, vehicle.unitId);
    const target = script.target ? await firstOf(options.db, script.target) : home;
    if (!home || !target) {
      logger.warn({ plate: vehicle.plate, target: script.target }, 'demo episode skipped: its places are missing');
      continue;
    }
    const episode = script.build(day, { home, target });
    try {
      await uploadBlindArea({ host: options.host, port: options.port, phone: vehicle.phone, plate: vehicle.plate, fixes: episode.fixes });
      played++;
      logger.info({ plate: vehicle.plate, episode: episode.name, rule: episode.rule, fixes: episode.fixes.length }, 'demo episode uploaded');
    } catch (error) {
      logger.error({ err: error, plate: vehicle.plate, episode: episode.name }, 'demo episode upload failed');
    }
  }
  return played;
}
