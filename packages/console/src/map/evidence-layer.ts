import L from 'leaflet';
import type { MapSettings, PositionItem } from '../api/types.ts';
import { toDisplay } from './coordinates.ts';
import { categoryColor, shapeLayer, type PlaceShape } from './place-shapes.ts';
import type { Stop } from './stops.ts';

export interface EvidenceDrawing {
  /** Positions of the alert's evidence range, drawn bold with a dot per fix. */
  positions: PositionItem[];
  /** Positions before and after the range, drawn thin for context. */
  context: PositionItem[];
  place: { name: string; category: string; shape: PlaceShape } | null;
  /** The finding's own point (facts.latitude and facts.longitude), when the detector gives one. */
  finding: { latitude: number; longitude: number; label: string } | null;
  stops: Stop[];
  destinations: { name: string; latitude: number; longitude: number; radiusM: number }[];
  labels: { start: string; end: string; stop: (stop: Stop) => string; position: (item: PositionItem) => string };
}

/**
 * The evidence of an alert on a map: the matched place's shape, the positions of the evidence
 * range (invalid fixes hollow), the stops found among them, the order's destinations and the
 * finding's own point. focus() highlights one position, e.g. when the reviewer picks it in the
 * timeline.
 */
export class EvidenceLayer {
  readonly #map: L.Map;
  readonly #settings: MapSettings;
  readonly #group: L.FeatureGroup;
  /** The track around the evidence, drawn under it and left out when the map fits the evidence. */
  readonly #context: L.FeatureGroup;
  readonly #markers = new Map<number, L.CircleMarker>();
  #focused: L.CircleMarker | null = null;

  constructor(map: L.Map, settings: MapSettings) {
    this.#map = map;
    this.#settings = settings;
    this.#context = L.featureGroup().addTo(map);
    this.#group = L.featureGroup().addTo(map);
  }

  draw(drawing: EvidenceDrawing): void {
    this.#group.clearLayers();
    this.#context.clearLayers();
    this.#markers.clear();
    const at = (item: { latitude: number; longitude: number }) => toDisplay(this.#settings, item.latitude, item.longitude);

    if (drawing.place) {
      const color = categoryColor(drawing.place.category);
      shapeLayer(this.#settings, drawing.place.shape, { color, weight: 2, fillColor: color, fillOpacity: 0.18 })
        .bindTooltip(drawing.place.name, { permanent: true, direction: 'top', className: 'evidence-place-label' })
        .addTo(this.#group);
    }
    for (const destination of drawing.destinations) {
      L.circle(at(destination), { radius: destination.radiusM, color: '#7c3aed', weight: 2, dashArray: '6 4', fillOpacity: 0.05 }).bindTooltip(destination.name).addTo(this.#group);
    }
    if (drawing.context.length > 1) {
      L.polyline(drawing.context.map(at), { color: '#64748b', weight: 2, opacity: 0.6, dashArray: '4 4', interactive: false }).addTo(this.#context);
    }

    const valid = drawing.positions.filter((item) => item.valid);
    if (valid.length > 1) L.polyline(valid.map(at), { color: '#2563eb', weight: 4, opacity: 0.85, className: 'evidence-track' }).addTo(this.#group);
    for (const item of drawing.positions) {
      const marker = L.circleMarker(at(item), {
        radius: 4,
        color: item.valid ? '#1d4ed8' : '#dc2626',
        weight: 1,
        fillColor: item.valid ? '#60a5fa' : '#fff',
        fillOpacity: 1,
        className: 'evidence-fix',
      }).bindTooltip(drawing.labels.position(item));
      marker.addTo(this.#group);
      this.#markers.set(item.id, marker);
    }

    const first = drawing.positions[0];
    const last = drawing.positions[drawing.positions.length - 1];
    if (first) L.circleMarker(at(first), { radius: 7, color: '#fff', weight: 2, fillColor: '#16a34a', fillOpacity: 1 }).bindTooltip(drawing.labels.start).addTo(this.#group);
    if (last && last !== first) L.circleMarker(at(last), { radius: 7, color: '#fff', weight: 2, fillColor: '#dc2626', fillOpacity: 1 }).bindTooltip(drawing.labels.end).addTo(this.#group);
    for (const stop of drawing.stops) {
      L.circleMarker(at(stop), { radius: 8, color: '#92400e', weight: 2, fillColor: '#fbbf24', fillOpacity: 1, className: 'evidence-stop' }).bindTooltip(drawing.labels.stop(stop)).addTo(this.#group);
    }
    if (drawing.finding) {
      L.circleMarker(at(drawing.finding), { radius: 10, color: '#b91c1c', weight: 3, fill: false, className: 'evidence-finding' }).bindTooltip(drawing.finding.label).addTo(this.#group);
    }

    const bounds = this.#group.getBounds();
    const fit = bounds.isValid() ? bounds : this.#context.getBounds();
    if (fit.isValid()) this.#map.fitBounds(fit, { padding: [40, 40], maxZoom: 17 });
  }

  /** Highlights one position and pans to it. */
  focus(positionId: number): void {
    this.#focused?.setStyle({ radius: 4, weight: 1 });
    const marker = this.#markers.get(positionId);
    if (!marker) return;
    marker.setStyle({ radius: 9, weight: 3 });
    marker.bringToFront().openTooltip();
    this.#focused = marker;
    this.#map.panTo(marker.getLatLng());
  }
}
