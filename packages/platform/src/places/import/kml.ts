import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { LonLat, PlaceShape, Ring } from '../../rules/places.ts';
import { parseCategory } from '../categories.ts';
import { fieldsOf, looksSwapped, readCategory, readRadius } from './fields.ts';
import type { ParseDefaults, ParseResult, ParsedPlace, PlaceImportError } from './types.ts';

/** A node of fast-xml-parser's preserveOrder output: one tag name mapped to its children, attributes under ':@'. */
type XmlNode = Record<string, unknown>;
type Report = (error: Omit<PlaceImportError, 'location'>) => void;

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, parseTagValue: false, trimValues: true });

const tagOf = (node: XmlNode) => Object.keys(node).find((key) => key !== ':@') ?? '';
const childrenOf = (node: XmlNode) => (Array.isArray(node[tagOf(node)]) ? (node[tagOf(node)] as XmlNode[]) : []);
const childrenNamed = (node: XmlNode, tag: string) => childrenOf(node).filter((child) => tagOf(child) === tag);
const attribute = (node: XmlNode, name: string) => String((node[':@'] as Record<string, unknown> | undefined)?.[name] ?? '');

function textOf(node: XmlNode | undefined): string {
  if (!node) return '';
  return childrenOf(node)
    .map((child) => (tagOf(child) === '#text' ? String(child['#text']) : ''))
    .join('')
    .trim();
}

const childText = (node: XmlNode, tag: string) => textOf(childrenNamed(node, tag)[0]);

/** Data and SimpleData values of a Placemark's ExtendedData, by name. */
function extendedData(placemark: XmlNode): Record<string, string> {
  const values: Record<string, string> = {};
  for (const extended of childrenNamed(placemark, 'ExtendedData')) {
    for (const data of childrenNamed(extended, 'Data')) values[attribute(data, 'name')] = childText(data, 'value');
    for (const schemaData of childrenNamed(extended, 'SchemaData')) {
      for (const simple of childrenNamed(schemaData, 'SimpleData')) values[attribute(simple, 'name')] = textOf(simple);
    }
  }
  return values;
}

/** Parses a KML coordinates list ("lon,lat[,alt] lon,lat …"); returns the offending tuple when one is not two numbers. */
function readCoordinates(text: string): { positions: LonLat[] } | { bad: string } {
  const positions: LonLat[] = [];
  for (const tuple of text.split(/\s+/).filter((t) => t !== '')) {
    const [lon, lat] = tuple.split(',').map(Number);
    if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) return { bad: tuple };
    positions.push([lon, lat]);
  }
  return { positions };
}

function readRing(boundary: XmlNode | undefined, report: Report): Ring | null {
  const ring = boundary && childrenNamed(boundary, 'LinearRing')[0];
  const coordinates = ring ? readCoordinates(childText(ring, 'coordinates')) : { bad: '' };
  if ('bad' in coordinates) {
    report({ field: 'coordinates', value: coordinates.bad.slice(0, 80) || null, reason: 'a LinearRing needs coordinates "longitude,latitude[,altitude]" separated by spaces' });
    return null;
  }
  return coordinates.positions;
}

function readPolygon(polygon: XmlNode, report: Report): Ring[] | null {
  const outer = readRing(childrenNamed(polygon, 'outerBoundaryIs')[0], report);
  if (!outer) return null;
  const rings: Ring[] = [outer];
  for (const inner of childrenNamed(polygon, 'innerBoundaryIs')) {
    const ring = readRing(inner, report);
    if (!ring) return null;
    rings.push(ring);
  }
  return rings;
}

function readShape(placemark: XmlNode, radius: string | undefined, defaults: ParseDefaults, report: Report): PlaceShape | null {
  const multi = childrenNamed(placemark, 'MultiGeometry')[0];
  const container = multi ?? placemark;
  const polygons = childrenNamed(container, 'Polygon');
  const points = childrenNamed(container, 'Point');
  if (polygons.length > 0) {
    const read: Ring[][] = [];
    for (const polygon of polygons) {
      const rings = readPolygon(polygon, report);
      if (!rings) return null;
      read.push(rings);
    }
    return read.length === 1 ? { kind: 'polygon', rings: read[0]! } : { kind: 'multipolygon', polygons: read };
  }
  if (points.length === 1) {
    const coordinates = readCoordinates(childText(points[0]!, 'coordinates'));
    if ('bad' in coordinates || coordinates.positions.length !== 1) {
      report({ field: 'coordinates', value: childText(points[0]!, 'coordinates').slice(0, 80) || null, reason: 'a Point needs one "longitude,latitude[,altitude]"' });
      return null;
    }
    const radiusM = readRadius(radius, defaults, report);
    const [longitude, latitude] = coordinates.positions[0]!;
    return radiusM === null ? null : { kind: 'circle', longitude, latitude, radiusM };
  }
  const found = childrenOf(container).map(tagOf).filter((tag) => ['LineString', 'LinearRing', 'Model', 'Track', 'MultiTrack', 'Point'].includes(tag));
  report({ field: 'geometry', value: found.join(', ') || null, reason: 'unsupported or missing geometry; use a Polygon, a MultiGeometry of Polygons, or one Point with a radius' });
  return null;
}

/** Line numbers of every Placemark start tag, in document order. */
function placemarkLines(text: string): number[] {
  const lines: number[] = [];
  const pattern = /<(?:[\w.-]+:)?Placemark[\s>/]/g;
  let line = 1;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    for (let i = last; i < match.index; i++) if (text.charCodeAt(i) === 10) line++;
    last = match.index;
    lines.push(line);
  }
  return lines;
}

interface WalkState {
  defaults: ParseDefaults;
  lines: number[];
  count: number;
  places: ParsedPlace[];
  errors: PlaceImportError[];
}

function readPlacemark(placemark: XmlNode, folderCategory: string | undefined, state: WalkState): void {
  const index = state.count++;
  const fields = fieldsOf(extendedData(placemark));
  const name = childText(placemark, 'name') || fields.name;
  const line = state.lines[index];
  const location = `Placemark ${index + 1}${line ? ` (line ${line})` : ''}${name ? ` ${name}` : ''}`;
  const before = state.errors.length;
  const report: Report = (error) => state.errors.push({ location, ...error });
  if (!name) report({ field: 'name', value: null, reason: 'missing <name>' });
  const category = readCategory(fields.category ?? folderCategory, state.defaults, report);
  const shape = readShape(placemark, fields.radius, state.defaults, report);
  const first = shape && (shape.kind === 'circle' ? [shape.longitude, shape.latitude] : shape.kind === 'polygon' ? shape.rings[0]?.[0] : shape.polygons[0]?.[0]?.[0]);
  if (first && looksSwapped(first[1]!, first[0]!)) {
    report({ field: 'coordinates', value: first.join(','), reason: 'coordinates look swapped: KML writes longitude,latitude' });
  }
  if (state.errors.length > before || !name || !category || !shape) return;
  const remarks = fields.remarks ?? (childText(placemark, 'description') || null);
  state.places.push({ location, name, category, unit: fields.unit ?? null, shape, remarks });
}

/** Visits Documents, Folders and Placemarks in document order; a Folder named after a category gives it to the Placemarks inside. */
function walk(nodes: XmlNode[], folderCategory: string | undefined, state: WalkState): void {
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === 'Placemark') {
      readPlacemark(node, folderCategory, state);
    } else if (tag === 'Folder' || tag === 'Document') {
      const folderName = childText(node, 'name');
      walk(childrenOf(node), folderName && parseCategory(folderName) ? folderName : folderCategory, state);
    } else if (tag === 'kml') {
      walk(childrenOf(node), folderCategory, state);
    }
  }
}

/** Reads places from KML text: Placemarks with a Polygon, MultiGeometry of Polygons, or Point (with a radius in ExtendedData or the default). */
export function parseKml(text: string, defaults: ParseDefaults = {}): ParseResult {
  const source = text.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { line, msg } = valid.err;
    return { places: [], errors: [{ location: `line ${line}`, field: 'xml', value: null, reason: `not well-formed XML: ${msg}` }] };
  }
  const state: WalkState = { defaults, lines: placemarkLines(source), count: 0, places: [], errors: [] };
  walk(parser.parse(source) as XmlNode[], undefined, state);
  if (state.count === 0) state.errors.push({ location: 'file', field: 'Placemark', value: null, reason: 'the file has no <Placemark>' });
  return { places: state.places, errors: state.errors };
}
