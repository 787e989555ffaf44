import gcoord from 'gcoord';
import type { MapSettings } from '../api/types.ts';

export type LatLngTuple = [number, number];

/**
 * Converts a stored WGS-84 fix to the datum of the base map: unchanged for WGS-84 and CGCS2000
 * tiles, shifted to GCJ-02 (about 250 m around Kashgar) for AMap-style tiles. Only the display
 * moves; exports keep WGS-84.
 */
export function toDisplay(settings: Pick<MapSettings, 'datum'>, latitude: number, longitude: number): LatLngTuple {
  if (settings.datum === 'wgs84') return [latitude, longitude];
  const [lon, lat] = gcoord.transform([longitude, latitude], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return [lat, lon];
}

/** Converts a point of the bundled GCJ-02 prefecture outline to the base map's datum. */
export function outlineToDisplay(settings: Pick<MapSettings, 'datum'>, longitude: number, latitude: number): LatLngTuple {
  if (settings.datum === 'gcj02') return [latitude, longitude];
  const [lon, lat] = gcoord.transform([longitude, latitude], gcoord.GCJ02, gcoord.WGS84) as [number, number];
  return [lat, lon];
}
