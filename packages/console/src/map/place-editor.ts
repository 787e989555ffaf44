import L from './leaflet-global.ts';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';

export type DrawKind = 'Polygon' | 'Circle';

/**
 * Drawing and editing of place shapes with Leaflet-Geoman, driven by the page's own buttons
 * (Geoman's toolbar stays hidden). Geoman 2.x is a script that extends the global `L`, so
 * leaflet-global.ts runs first.
 */
export class PlaceEditor {
  readonly #map: L.Map;
  #pending: ((layer: L.Layer | null) => void) | null = null;

  constructor(map: L.Map, language: 'zh' | 'en') {
    this.#map = map;
    map.pm.setLang(language);
    map.pm.setGlobalOptions({ allowSelfIntersection: false, snappable: true, snapDistance: 12, templineStyle: { color: '#dc2626' }, hintlineStyle: { color: '#dc2626', dashArray: '5 5' } });
    map.on('pm:create', (event) => {
      const resolve = this.#pending;
      this.#pending = null;
      resolve?.(event.layer);
    });
  }

  /** Starts drawing a shape; resolves with the drawn layer (already on the map), or null when cancelled. */
  draw(kind: DrawKind): Promise<L.Layer | null> {
    this.cancel();
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#map.pm.enableDraw(kind, { continueDrawing: false, finishOn: kind === 'Polygon' ? 'dblclick' : null });
    });
  }

  /** Ends a drawing in progress without a shape. */
  cancel(): void {
    if (this.#map.pm.globalDrawModeEnabled()) this.#map.pm.disableDraw();
    const resolve = this.#pending;
    this.#pending = null;
    resolve?.(null);
  }

  /** Shows the vertex handles of a layer so its shape can be changed. */
  edit(layer: L.Layer): void {
    (layer as L.Polygon).pm.enable({ allowSelfIntersection: false, snappable: true });
  }

  stopEditing(layer: L.Layer): void {
    (layer as L.Polygon).pm.disable();
  }
}
