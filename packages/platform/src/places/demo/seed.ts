import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import type { PlaceCategory, PlaceShape } from '../../rules/places.ts';
import { insertPlaces } from '../repository.ts';
import { draftProblem, type PlaceDraft } from '../draft.ts';

interface DemoPlace {
  name: string;
  category: PlaceCategory;
  /** Name of the owning demo unit, for designated parking. */
  unit: string | null;
  shape: PlaceShape;
  remarks: string;
}

/** Reads the demonstration places shipped next to this module. */
export function loadDemoPlaces(): DemoPlace[] {
  const text = fs.readFileSync(new URL('./kashgar-places.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { places: DemoPlace[] }).places;
}

/**
 * Adds the Kashgar demonstration places: a simplified prefecture boundary, designated parking of
 * the demo units and a few places of the other categories. Places already stored (same name and
 * category) and parking of units that are missing are skipped, so a second run adds nothing.
 * Returns the number of places added.
 */
export async function seedDemoPlaces(db: Kysely<Database>, logger: Logger): Promise<number> {
  const units = new Map((await db.selectFrom('units').select(['id', 'name']).execute()).map((u) => [u.name, u.id]));
  const stored = new Set((await db.selectFrom('places').select(['name', 'category']).execute()).map((p) => `${p.category}\u0000${p.name}`));
  const drafts: PlaceDraft[] = [];
  for (const place of loadDemoPlaces()) {
    if (stored.has(`${place.category}\u0000${place.name}`)) continue;
    const unitId = place.unit === null ? null : (units.get(place.unit) ?? null);
    if (place.unit !== null && unitId === null) {
      logger.warn({ place: place.name, unit: place.unit }, 'demo place skipped: its unit is not registered');
      continue;
    }
    const draft: PlaceDraft = { name: place.name, category: place.category, unitId, shape: place.shape, remarks: place.remarks };
    const problem = draftProblem(draft);
    if (problem) throw new Error(`Demo place ${place.name} is invalid: ${problem.reason}`);
    drafts.push(draft);
  }
  if (drafts.length > 0) await insertPlaces(db, drafts, 'demo');
  logger.info({ places: drafts.length }, 'demo places seeded');
  return drafts.length;
}
