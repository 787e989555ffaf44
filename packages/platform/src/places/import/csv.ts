import { decodeCsv, parseCsv } from '../../registry/import-file.ts';
import { fieldOf, looksSwapped, readCategory, readDegrees, readRadius, type PlaceField } from './fields.ts';
import type { ParseDefaults, ParseResult, ParsedPlace, PlaceImportError } from './types.ts';

/**
 * Reads circular places from CSV bytes with the columns name, category, lat, lon, radius and the
 * optional unit and remarks (English or Chinese headings). The bytes may be UTF-8 with or without
 * a BOM, or GBK/GB18030 as Excel saves CSV in Chinese locales.
 */
export function parsePlacesCsv(bytes: Buffer, defaults: ParseDefaults = {}): ParseResult {
  const table = parseCsv(decodeCsv(bytes));
  const header = table.find((row) => row.cells.some((cell) => cell.trim() !== ''));
  if (!header) return { places: [], errors: [{ location: 'file', field: 'header', value: null, reason: 'the file is empty; expected a header row name,category,lat,lon,radius' }] };

  const columns = new Map<PlaceField, number>();
  const errors: PlaceImportError[] = [];
  header.cells.forEach((cell, index) => {
    const field = fieldOf(cell);
    if (!field) return;
    if (columns.has(field)) errors.push({ location: `line ${header.rowNumber}`, field, value: cell, reason: `column ${field} appears twice in the header` });
    else columns.set(field, index);
  });
  const required: PlaceField[] = ['name', 'lat', 'lon'];
  if (!defaults.category) required.push('category');
  if (defaults.radiusM === undefined) required.push('radius');
  const missing = required.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    errors.push({ location: `line ${header.rowNumber}`, field: 'header', value: header.cells.join(','), reason: `missing column(s) ${missing.join(', ')}; expected name,category,lat,lon,radius` });
  }
  if (errors.length > 0) return { places: [], errors };

  const places: ParsedPlace[] = [];
  for (const row of table) {
    if (row.rowNumber <= header.rowNumber || row.cells.every((cell) => cell.trim() === '')) continue;
    const cell = (field: PlaceField) => {
      const index = columns.get(field);
      const text = index === undefined ? '' : (row.cells[index] ?? '').trim();
      return text === '' ? undefined : text;
    };
    const name = cell('name');
    const location = `line ${row.rowNumber}${name ? ` (${name})` : ''}`;
    const before = errors.length;
    const report = (error: Omit<PlaceImportError, 'location'>) => errors.push({ location, ...error });
    if (!name) report({ field: 'name', value: null, reason: 'missing name' });
    const category = readCategory(cell('category'), defaults, report);
    const latitude = readDegrees(cell('lat'), 'lat', report);
    const longitude = readDegrees(cell('lon'), 'lon', report);
    const radiusM = readRadius(cell('radius'), defaults, report);
    if (latitude !== null && longitude !== null && looksSwapped(latitude, longitude)) {
      report({ field: 'lat', value: `${cell('lat')},${cell('lon')}`, reason: 'latitude and longitude look swapped (China lies at about 18–54°N, 73–135°E)' });
    }
    if (errors.length > before || !name || !category || latitude === null || longitude === null || radiusM === null) continue;
    places.push({ location, name, category, unit: cell('unit') ?? null, shape: { kind: 'circle', latitude, longitude, radiusM }, remarks: cell('remarks') ?? null });
  }
  if (places.length === 0 && errors.length === 0) errors.push({ location: 'file', field: 'rows', value: null, reason: 'the file has a header but no data rows' });
  return { places, errors };
}
