import type { PlaceCategory, PlaceShape } from '../../rules/places.ts';

/** One problem in an import file: where (line, feature or Placemark), which field, the value and why. */
export interface PlaceImportError {
  /** "line 5" for CSV (header = line 1), "feature 3" for GeoJSON, "Placemark 2" for KML, with the place's name when known. */
  location: string;
  field: string;
  value: string | null;
  reason: string;
}

/** A place read from a file; `unit` is the unit's name or id as written, resolved when importing. */
export interface ParsedPlace {
  location: string;
  name: string;
  category: PlaceCategory;
  unit: string | null;
  shape: PlaceShape;
  remarks: string | null;
}

export interface ParseResult {
  places: ParsedPlace[];
  errors: PlaceImportError[];
}

/** Values used where a file leaves a field out. */
export interface ParseDefaults {
  category?: PlaceCategory | undefined;
  /** Radius in metres of points without one. */
  radiusM?: number | undefined;
}
