import type { PlaceShape } from '../../map/place-shapes.ts';

/** Place categories in the order users pick them; names are i18n keys alerts.vocabulary.placeCategory.<code>. */
export const placeCategories = [
  'designated_parking',
  'government_office',
  'other_unit_parking',
  'hotel',
  'restaurant',
  'entertainment',
  'scenic_spot',
  'school',
  'residential',
  'wedding_funeral',
  'prefecture_boundary',
  'custom',
] as const;
export type PlaceCategory = (typeof placeCategories)[number];

/** Categories whose places belong to a unit (the server rejects them without one). */
export const unitOwnedCategories: readonly string[] = ['designated_parking', 'other_unit_parking'];

/** Largest circle the server accepts, in metres; a larger area should be a polygon. */
export const maxRadiusM = 100_000;

export interface Place {
  id: number;
  name: string;
  category: PlaceCategory;
  categoryName: string;
  unitId: number | null;
  shape: PlaceShape;
  /** [minLon, minLat, maxLon, maxLat], WGS-84. */
  bbox: [number, number, number, number];
  source: 'api' | 'import' | 'demo' | string;
  remarks: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PlaceImportResult {
  imported: boolean;
  places: number;
  ids: number[];
  errors: unknown[];
}
