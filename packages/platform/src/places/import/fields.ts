import type { PlaceCategory } from '../../rules/places.ts';
import { categoryHint, parseCategory } from '../categories.ts';
import type { ParseDefaults, PlaceImportError } from './types.ts';

/** Property names accepted for each field, English and Chinese, compared without case and spaces. */
export const fieldAliases = {
  name: ['name', '名称', '地点名称', '场所名称'],
  category: ['category', '类别', '分类', '场所类别'],
  lat: ['lat', 'latitude', '纬度'],
  lon: ['lon', 'lng', 'longitude', '经度'],
  radius: ['radius', 'radius_m', 'radiusm', '半径', '半径米', '半径(米)', '半径（米）'],
  unit: ['unit', 'unit_id', 'unitid', '单位', '所属单位'],
  remarks: ['remarks', 'description', '备注', '说明'],
} as const;
export type PlaceField = keyof typeof fieldAliases;

export const normaliseKey = (key: string) => key.replace(/\s+/g, '').toLowerCase();

const aliasLookup = new Map<string, PlaceField>();
for (const [field, aliases] of Object.entries(fieldAliases) as [PlaceField, readonly string[]][]) {
  for (const alias of aliases) aliasLookup.set(normaliseKey(alias), field);
}

/** Returns the field a heading or property name stands for, or undefined. */
export function fieldOf(key: string): PlaceField | undefined {
  return aliasLookup.get(normaliseKey(key));
}

/** Collects the known fields of a property bag (GeoJSON properties, KML ExtendedData) as trimmed text. */
export function fieldsOf(properties: Record<string, unknown>): Partial<Record<PlaceField, string>> {
  const fields: Partial<Record<PlaceField, string>> = {};
  for (const [key, value] of Object.entries(properties)) {
    const field = fieldOf(key);
    if (!field || value === null || value === undefined) continue;
    const text = String(value).trim();
    if (text !== '' && fields[field] === undefined) fields[field] = text;
  }
  return fields;
}

type Report = (error: Omit<PlaceImportError, 'location'>) => void;

/** Reads the category field, or the default; reports a missing or unknown one. */
export function readCategory(text: string | undefined, defaults: ParseDefaults, report: Report): PlaceCategory | null {
  if (text === undefined) {
    if (defaults.category) return defaults.category;
    report({ field: 'category', value: null, reason: `missing category; give one of ${categoryHint()}` });
    return null;
  }
  const category = parseCategory(text);
  if (!category) report({ field: 'category', value: text, reason: `unknown category; use one of ${categoryHint()}` });
  return category;
}

/** Reads a radius in metres, or the default; reports a missing, non-numeric or non-positive one. */
export function readRadius(text: string | undefined, defaults: ParseDefaults, report: Report): number | null {
  if (text === undefined) {
    if (defaults.radiusM !== undefined) return defaults.radiusM;
    report({ field: 'radius', value: null, reason: 'missing radius: a point needs a radius in metres (or give a default radius)' });
    return null;
  }
  const radius = Number(text);
  if (!Number.isFinite(radius) || radius <= 0) {
    report({ field: 'radius', value: text, reason: 'radius must be a number of metres greater than 0' });
    return null;
  }
  return radius;
}

/** Reads a coordinate in degrees within ±limit; reports anything else. */
export function readDegrees(text: string | undefined, field: 'lat' | 'lon', report: Report): number | null {
  const limit = field === 'lat' ? 90 : 180;
  const what = field === 'lat' ? 'latitude' : 'longitude';
  if (text === undefined) {
    report({ field, value: null, reason: `missing ${what} (decimal degrees, WGS-84)` });
    return null;
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || Math.abs(value) > limit) {
    report({ field, value: text, reason: `${what} must be decimal degrees between -${limit} and ${limit}` });
    return null;
  }
  return value;
}

/**
 * True when a latitude/longitude pair lies outside China but would lie inside it with the two
 * swapped (China spans roughly 18–54°N and 73–135°E), the usual sign of columns in the wrong order.
 */
export function looksSwapped(latitude: number, longitude: number): boolean {
  const inChina = (lat: number, lon: number) => lat >= 18 && lat <= 54 && lon >= 73 && lon <= 135;
  return !inChina(latitude, longitude) && inChina(longitude, latitude);
}
