import type { LonLat, PlaceShape, Ring } from '../../rules/places.ts';
import { fieldsOf, looksSwapped, readCategory, readRadius } from './fields.ts';
import type { ParseDefaults, ParseResult, ParsedPlace, PlaceImportError } from './types.ts';

type Report = (error: Omit<PlaceImportError, 'location'>) => void;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readPosition(value: unknown): LonLat | null {
  if (!Array.isArray(value) || value.length < 2) return null;
  const [lon, lat] = value as unknown[];
  return typeof lon === 'number' && typeof lat === 'number' ? [lon, lat] : null;
}

function readRings(value: unknown, report: Report): Ring[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    report({ field: 'geometry.coordinates', value: JSON.stringify(value ?? null).slice(0, 80), reason: 'a polygon needs an array of rings' });
    return null;
  }
  const rings: Ring[] = [];
  for (const [index, ringValue] of value.entries()) {
    const positions = Array.isArray(ringValue) ? ringValue.map(readPosition) : [null];
    const bad = positions.findIndex((p) => p === null);
    if (bad >= 0) {
      const text = Array.isArray(ringValue) ? JSON.stringify(ringValue[bad] ?? null) : JSON.stringify(ringValue ?? null);
      report({ field: 'geometry.coordinates', value: text.slice(0, 80), reason: `ring ${index + 1}, position ${bad + 1} is not [longitude, latitude]` });
      return null;
    }
    rings.push(positions as LonLat[]);
  }
  return rings;
}

function readShape(geometry: unknown, radius: string | undefined, defaults: ParseDefaults, report: Report): PlaceShape | null {
  if (!isObject(geometry)) {
    report({ field: 'geometry', value: null, reason: 'missing geometry; use Polygon, MultiPolygon or Point' });
    return null;
  }
  if (geometry.type === 'Point') {
    const point = readPosition(geometry.coordinates);
    if (!point) {
      report({ field: 'geometry.coordinates', value: JSON.stringify(geometry.coordinates ?? null).slice(0, 80), reason: 'a Point needs [longitude, latitude]' });
      return null;
    }
    const radiusM = readRadius(radius, defaults, report);
    return radiusM === null ? null : { kind: 'circle', longitude: point[0], latitude: point[1], radiusM };
  }
  if (geometry.type === 'Polygon') {
    const rings = readRings(geometry.coordinates, report);
    return rings && { kind: 'polygon', rings };
  }
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) {
      report({ field: 'geometry.coordinates', value: null, reason: 'a MultiPolygon needs an array of polygons' });
      return null;
    }
    const polygons: Ring[][] = [];
    for (const polygon of geometry.coordinates) {
      const rings = readRings(polygon, report);
      if (!rings) return null;
      polygons.push(rings);
    }
    return { kind: 'multipolygon', polygons };
  }
  report({ field: 'geometry.type', value: String(geometry.type), reason: 'unsupported geometry; use Polygon, MultiPolygon or Point (with a radius property)' });
  return null;
}

/** Returns the first vertex of a shape as [lon, lat], for the swapped-axes check. */
function firstVertex(shape: PlaceShape): LonLat | undefined {
  if (shape.kind === 'circle') return [shape.longitude, shape.latitude];
  if (shape.kind === 'polygon') return shape.rings[0]?.[0];
  return shape.polygons[0]?.[0]?.[0];
}

function readFeature(feature: unknown, index: number, defaults: ParseDefaults, errors: PlaceImportError[]): ParsedPlace | null {
  const properties = isObject(feature) && isObject(feature.properties) ? feature.properties : {};
  const fields = fieldsOf(properties);
  const location = `feature ${index + 1}${fields.name ? ` (${fields.name})` : ''}`;
  const before = errors.length;
  const report = (error: Omit<PlaceImportError, 'location'>) => errors.push({ location, ...error });
  if (!isObject(feature) || feature.type !== 'Feature') {
    report({ field: 'type', value: isObject(feature) ? String(feature.type) : null, reason: 'expected a GeoJSON Feature' });
    return null;
  }
  if (!fields.name) report({ field: 'name', value: null, reason: 'missing name property' });
  const category = readCategory(fields.category, defaults, report);
  const shape = readShape(feature.geometry, fields.radius, defaults, report);
  const vertex = shape && firstVertex(shape);
  if (vertex && looksSwapped(vertex[1], vertex[0])) {
    report({ field: 'geometry.coordinates', value: JSON.stringify(vertex), reason: 'coordinates look swapped: GeoJSON positions are [longitude, latitude]' });
  }
  if (errors.length > before || !shape || !category || !fields.name) return null;
  return { location, name: fields.name, category, unit: fields.unit ?? null, shape, remarks: fields.remarks ?? null };
}

/** Reads places from GeoJSON text: a FeatureCollection or a single Feature. */
export function parseGeoJson(text: string, defaults: ParseDefaults = {}): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { places: [], errors: [{ location: 'file', field: 'json', value: null, reason: `not valid JSON: ${(error as Error).message}` }] };
  }
  const features = isObject(document) && document.type === 'FeatureCollection' ? document.features : isObject(document) && document.type === 'Feature' ? [document] : null;
  if (!Array.isArray(features)) {
    const type = isObject(document) ? String(document.type) : typeof document;
    return { places: [], errors: [{ location: 'file', field: 'type', value: type, reason: 'expected a GeoJSON FeatureCollection or Feature' }] };
  }
  const errors: PlaceImportError[] = [];
  const places: ParsedPlace[] = [];
  features.forEach((feature, index) => {
    const place = readFeature(feature, index, defaults, errors);
    if (place) places.push(place);
  });
  if (features.length === 0) errors.push({ location: 'file', field: 'features', value: null, reason: 'the FeatureCollection has no features' });
  return { places, errors };
}
