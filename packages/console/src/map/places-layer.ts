import L from 'leaflet';
import type { MapSettings } from '../api/types.ts';
import { categoryColor, shapeLayer, type PlaceShape } from './place-shapes.ts';

interface ShownPlace {
  id: number;
  name: string;
  category: string;
  shape: PlaceShape;
}

/** Places drawn on a map in their category's colour; a click selects one, and the selected one is drawn thicker. */
export class PlacesLayer {
  readonly #map: L.Map;
  readonly #settings: MapSettings;
  readonly #group: L.FeatureGroup;
  readonly #layers = new Map<number, L.Circle | L.Polygon>();
  readonly #onSelect: (id: number) => void;
  readonly #label: (place: ShownPlace) => string;
  #selected: number | null = null;

  constructor(map: L.Map, settings: MapSettings, onSelect: (id: number) => void, label: (place: ShownPlace) => string) {
    this.#map = map;
    this.#settings = settings;
    this.#group = L.featureGroup().addTo(map);
    this.#onSelect = onSelect;
    this.#label = label;
  }

  /** Replaces the places shown. */
  show(places: readonly ShownPlace[], selected: number | null): void {
    this.#group.clearLayers();
    this.#layers.clear();
    for (const place of places) {
      const color = categoryColor(place.category);
      const layer = shapeLayer(this.#settings, place.shape, { color, weight: 2, fillColor: color, fillOpacity: 0.15, className: 'place-shape' });
      layer.bindTooltip(this.#label(place), { sticky: true });
      layer.on('click', () => this.#onSelect(place.id));
      layer.addTo(this.#group);
      this.#layers.set(place.id, layer);
    }
    this.highlight(selected);
  }

  highlight(id: number | null): void {
    if (this.#selected !== null) this.#layers.get(this.#selected)?.setStyle({ weight: 2, fillOpacity: 0.15 });
    this.#selected = id;
    if (id !== null) this.#layers.get(id)?.setStyle({ weight: 4, fillOpacity: 0.3 }).bringToFront();
  }

  layerOf(id: number): L.Circle | L.Polygon | undefined {
    return this.#layers.get(id);
  }

  zoomTo(id: number): void {
    const layer = this.#layers.get(id);
    if (layer) this.#map.fitBounds(layer.getBounds(), { padding: [60, 60], maxZoom: 17 });
  }
}
