import L from 'leaflet';
import gcoord from 'gcoord';
import type { MapSettings } from '../api/types.ts';
import { toDisplay, type LatLngTuple } from './coordinates.ts';

/** A place shape as the API stores it: WGS-84, vertices as [longitude, latitude]. */
export type PlaceShape =
  | { kind: 'circle'; latitude: number; longitude: number; radiusM: number }
  | { kind: 'polygon'; rings: [number, number][][] }
  | { kind: 'multipolygon'; polygons: [number, number][][][] };

type Datum = Pick<MapSettings, 'datum'>;

/** Converts a point of the base map back to WGS-84, the inverse of toDisplay (GCJ-02 round trips are within 1 cm). */
export function fromDisplay(settings: Datum, latitude: number, longitude: number): LatLngTuple {
  if (settings.datum === 'wgs84') return [latitude, longitude];
  const [lon, lat] = gcoord.transform([longitude, latitude], gcoord.GCJ02, gcoord.WGS84) as [number, number];
  return [lat, lon];
}

const ringToDisplay = (settings: Datum, ring: [number, number][]) => ring.map(([lon, lat]) => toDisplay(settings, lat, lon));

/** Rounds degrees to 7 decimals (about 1 cm), which keeps stored shapes short. */
const round = (degrees: number) => Math.round(degrees * 1e7) / 1e7;

/** Creates the Leaflet layer of a stored shape in the base map's datum. */
export function shapeLayer(settings: Datum, shape: PlaceShape, style: L.PathOptions = {}): L.Circle | L.Polygon {
  if (shape.kind === 'circle') return L.circle(toDisplay(settings, shape.latitude, shape.longitude), { ...style, radius: shape.radiusM });
  if (shape.kind === 'polygon') return L.polygon(shape.rings.map((ring) => ringToDisplay(settings, ring)), style);
  return L.polygon(shape.polygons.map((rings) => rings.map((ring) => ringToDisplay(settings, ring))), style);
}

function ringFromLatLngs(settings: Datum, latLngs: L.LatLng[]): [number, number][] {
  return latLngs.map((point) => {
    const [lat, lon] = fromDisplay(settings, point.lat, point.lng);
    return [round(lon), round(lat)];
  });
}

/**
 * Returns the stored shape of a drawn or edited layer: a circle, or a polygon with its holes, or a
 * multipolygon. Leaflet nests polygon vertices one level deeper for each of these; null for any
 * other layer.
 */
export function layerToShape(settings: Datum, layer: L.Layer): PlaceShape | null {
  if (layer instanceof L.Circle) {
    const center = layer.getLatLng();
    const [lat, lon] = fromDisplay(settings, center.lat, center.lng);
    return { kind: 'circle', latitude: round(lat), longitude: round(lon), radiusM: Math.round(layer.getRadius() * 10) / 10 };
  }
  if (!(layer instanceof L.Polygon)) return null;
  const latLngs = layer.getLatLngs() as L.LatLng[] | L.LatLng[][] | L.LatLng[][][];
  if (latLngs.length === 0) return null;
  if (latLngs[0] instanceof L.LatLng) return { kind: 'polygon', rings: [ringFromLatLngs(settings, latLngs as L.LatLng[])] };
  const first = (latLngs as L.LatLng[][])[0]!;
  if (first[0] instanceof L.LatLng) return { kind: 'polygon', rings: (latLngs as L.LatLng[][]).map((ring) => ringFromLatLngs(settings, ring)) };
  const polygons = (latLngs as L.LatLng[][][]).map((rings) => rings.map((ring) => ringFromLatLngs(settings, ring)));
  return polygons.length === 1 ? { kind: 'polygon', rings: polygons[0]! } : { kind: 'multipolygon', polygons };
}

/** Colours of place categories on the maps: official places blue and green, venues red and orange, the rest grey. */
export function categoryColor(category: string): string {
  switch (category) {
    case 'designated_parking':
      return '#16a34a';
    case 'government_office':
    case 'other_unit_parking':
      return '#2563eb';
    case 'entertainment':
    case 'hotel':
    case 'restaurant':
    case 'scenic_spot':
    case 'wedding_funeral':
      return '#dc2626';
    case 'school':
    case 'residential':
      return '#d97706';
    case 'prefecture_boundary':
      return '#1e3a8a';
    default:
      return '#6b7280';
  }
}
