import L from './leaflet-global.ts';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import type { MapSettings, VehicleOverview } from '../api/types.ts';
import { toDisplay } from './coordinates.ts';
import { vehicleState, type VehicleState } from './vehicle-state.ts';

/** How a vehicle is drawn: its state, or alarm when it has an open emergency alarm. */
export type MarkerState = VehicleState | 'alarm';

interface Entry {
  marker: L.Marker;
  state: MarkerState;
  key: string;
}

// Order in which a cluster takes the colour of its most urgent member.
const urgency: MarkerState[] = ['alarm', 'moving', 'stopped', 'offline', 'noPosition', 'noTerminal'];

function icon(state: MarkerState, selected: boolean): L.DivIcon {
  return L.divIcon({ className: '', html: `<div class="vehicle-dot ${state}${selected ? ' selected' : ''}"></div>`, iconSize: [14, 14], iconAnchor: [7, 7] });
}

/**
 * The vehicles of the live map as clustered markers. update() moves, recolours, adds and removes
 * markers in place, so a refresh of 2,000 vehicles touches only those that changed.
 */
export class VehicleLayer {
  readonly #group: L.MarkerClusterGroup;
  readonly #entries = new Map<number, Entry>();
  readonly #states = new WeakMap<L.Marker, MarkerState>();
  readonly #settings: MapSettings;
  #selected: number | null = null;

  constructor(map: L.Map, settings: MapSettings, onSelect: (vehicleId: number) => void) {
    this.#settings = settings;
    this.#group = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => this.#clusterIcon(cluster),
    });
    this.#group.on('click', (event) => {
      const id = (event.propagatedFrom as L.Marker & { vehicleId?: number }).vehicleId;
      if (id !== undefined) onSelect(id);
    });
    map.addLayer(this.#group);
  }

  #clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
    const children = cluster.getAllChildMarkers();
    const states = new Set(children.map((marker) => this.#states.get(marker)));
    const state = urgency.find((s) => states.has(s)) ?? 'offline';
    const size = children.length < 10 ? 30 : children.length < 100 ? 36 : 44;
    const colour = state === 'noPosition' || state === 'noTerminal' ? 'offline' : state;
    return L.divIcon({ className: '', html: `<div class="vehicle-cluster ${colour} size-${size}">${children.length}</div>`, iconSize: [size, size] });
  }

  /** Shows the vehicles that have a position and pass `visible`; the others are removed. */
  update(vehicles: VehicleOverview[], alarmed: ReadonlySet<number>, visible: (vehicle: VehicleOverview) => boolean): number {
    const seen = new Set<number>();
    const added: L.Marker[] = [];
    for (const vehicle of vehicles) {
      const position = vehicle.lastPosition;
      if (!position || !visible(vehicle)) continue;
      seen.add(vehicle.id);
      const state: MarkerState = alarmed.has(vehicle.id) ? 'alarm' : vehicleState(vehicle);
      const latLng = toDisplay(this.#settings, position.latitude, position.longitude);
      const key = `${latLng[0]},${latLng[1]}`;
      const entry = this.#entries.get(vehicle.id);
      if (!entry) {
        const marker = L.marker(latLng, { icon: icon(state, vehicle.id === this.#selected), title: vehicle.plate, keyboard: false }) as L.Marker & { vehicleId?: number };
        marker.vehicleId = vehicle.id;
        this.#states.set(marker, state);
        this.#entries.set(vehicle.id, { marker, state, key });
        added.push(marker);
        continue;
      }
      if (entry.state !== state) {
        entry.state = state;
        this.#states.set(entry.marker, state);
        entry.marker.setIcon(icon(state, vehicle.id === this.#selected));
        this.#group.refreshClusters(entry.marker);
      }
      if (entry.key !== key) {
        entry.key = key;
        entry.marker.setLatLng(latLng);
      }
    }
    const removed: L.Marker[] = [];
    for (const [id, entry] of this.#entries) {
      if (seen.has(id)) continue;
      removed.push(entry.marker);
      this.#entries.delete(id);
    }
    if (removed.length > 0) this.#group.removeLayers(removed);
    if (added.length > 0) this.#group.addLayers(added);
    return seen.size;
  }

  /** Highlights one vehicle and returns its marker position, or null when it is not drawn. */
  select(vehicleId: number | null): L.LatLng | null {
    const previous = this.#selected === null ? undefined : this.#entries.get(this.#selected);
    if (previous) previous.marker.setIcon(icon(previous.state, false));
    this.#selected = vehicleId;
    const entry = vehicleId === null ? undefined : this.#entries.get(vehicleId);
    if (!entry) return null;
    entry.marker.setIcon(icon(entry.state, true));
    return entry.marker.getLatLng();
  }

  /** Zooms to the marker of a vehicle, at street level at least, opening its cluster. */
  zoomTo(map: L.Map, vehicleId: number): void {
    const entry = this.#entries.get(vehicleId);
    if (!entry) return;
    map.setView(entry.marker.getLatLng(), Math.max(map.getZoom(), 14));
    this.#group.zoomToShowLayer(entry.marker);
  }
}
