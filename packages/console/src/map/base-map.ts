import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { MapSettings } from '../api/types.ts';
import outline from './kashgar-outline.json';
import { outlineToDisplay, type LatLngTuple } from './coordinates.ts';

/** Bounds of the Kashgar Prefecture outline (WGS-84, rounded outwards). */
export const kashgarBounds = L.latLngBounds([35.4, 73.4], [40.3, 79.9]);

type Ring = number[][];

function outlineRings(settings: MapSettings): LatLngTuple[][][] {
  const geometry = outline.features[0]!.geometry as { coordinates: Ring[][] };
  return geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => outlineToDisplay(settings, lon!, lat!))));
}

/**
 * Creates a Leaflet map in `element`: the configured tile layers, or none, and always the
 * prefecture outline, so that vehicles and places have a frame without tiles or network.
 * Vector layers draw on one canvas, which keeps thousands of points fast.
 */
export function createBaseMap(element: HTMLElement, settings: MapSettings): L.Map {
  const map = L.map(element, { preferCanvas: true, zoomControl: true, attributionControl: settings.urls.length > 0, maxZoom: settings.maxZoom, minZoom: 4 });
  for (const url of settings.urls) {
    L.tileLayer(url, { subdomains: settings.subdomains.length > 0 ? settings.subdomains : 'abc', maxZoom: settings.maxZoom, attribution: settings.attribution }).addTo(map);
  }
  if (settings.urls.length === 0) element.classList.add('map-plain');
  L.polygon(outlineRings(settings), { color: '#1d4ed8', weight: 2, opacity: 0.8, fill: true, fillColor: '#dbeafe', fillOpacity: settings.urls.length === 0 ? 0.5 : 0.08, interactive: false }).addTo(map);
  map.fitBounds(kashgarBounds);
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}
