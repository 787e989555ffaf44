import { AppError } from '../../errors.ts';
import { placeCategories } from '../places.ts';
import type { Detector } from '../engine/types.ts';

/**
 * Category tables: detector settings keyed by place category, such as non_official_place's
 * `categories` (minimum dwell and severity per venue category). A template or a vehicle override
 * that names some categories changes only those: each entry merges field by field into the entry
 * inherited from the layers below, which start from the detector's default table, and null
 * removes a category. A plain setting is still replaced whole.
 */

type Table = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const categorySet = new Set<string>(placeCategories);

/** True for a default value that is a non-empty object keyed by place categories with an object per category. */
function isCategoryTable(value: unknown): value is Table {
  if (!isPlainObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([key, entry]) => categorySet.has(key) && isPlainObject(entry));
}

const tableKeysCache = new WeakMap<object, string[]>();

/** Returns the names of a detector's settings that are category tables, found from its defaults. */
export function categoryTableKeys(detector: Detector<unknown, unknown>): string[] {
  let keys = tableKeysCache.get(detector);
  if (!keys) {
    const defaults = isPlainObject(detector.defaults) ? detector.defaults : {};
    keys = Object.keys(defaults).filter((key) => isCategoryTable(defaults[key]));
    tableKeysCache.set(detector, keys);
  }
  return keys;
}

/** Merges one layer's table into the inherited one: entries field by field, null removing a category. */
function mergeTable(below: Table, layer: Table): Table {
  const merged: Table = { ...below };
  for (const [category, entry] of Object.entries(layer)) {
    if (entry === null) delete merged[category];
    else if (isPlainObject(entry) && isPlainObject(merged[category])) merged[category] = { ...merged[category], ...entry };
    else merged[category] = entry;
  }
  return merged;
}

/**
 * Merges one layer's partial settings of a detector over the settings inherited from the layers
 * below (undefined when there are none yet). Category tables start from the detector's default
 * table and merge entry by entry, but every other setting is replaced whole. A malformed table (not an object) is
 * passed through for the detector's schema to reject.
 */
export function mergeDetectorSettings(detector: Detector<unknown, unknown>, below: Table | undefined, layer: Table): Table {
  const tables = categoryTableKeys(detector);
  const defaults = detector.defaults as Table;
  const merged: Table = { ...below };
  for (const [key, value] of Object.entries(layer)) {
    if (!tables.includes(key) || !isPlainObject(value)) {
      merged[key] = value;
      continue;
    }
    const inherited = isPlainObject(merged[key]) ? merged[key] : (defaults[key] as Table);
    merged[key] = mergeTable(inherited, value);
  }
  return merged;
}

/**
 * Rejects a category that no place has, in any category table of one layer's settings, with
 * GONGCHE_ERR_UNKNOWN_CATEGORY naming the key and the allowed ones. `layerName` names the template or
 * override, `at` the path of the settings, e.g. "detectors.non_official_place.settings".
 */
export function checkCategoryKeys(detector: Detector<unknown, unknown>, settings: Table, layerName: string, at: string): void {
  for (const key of categoryTableKeys(detector)) {
    const table = settings[key];
    if (!isPlainObject(table)) continue;
    for (const category of Object.keys(table)) {
      if (categorySet.has(category)) continue;
      const path = `${at}.${key}.${category}`;
      throw new AppError('GONGCHE_ERR_UNKNOWN_CATEGORY', 400, `Invalid ${layerName} at ${path}: unknown place category ${category}; expected one of ${placeCategories.join(', ')}`, {
        value: category,
        details: [{ path, message: 'unknown place category', allowed: placeCategories }],
      });
    }
  }
}
