import L from './leaflet-global.ts';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import type { MapSettings, VehicleOverview } from '../api/types.ts';
import { toDisplay, type LatLngTuple } from './coordinates.ts';
import { vehicleState, type VehicleState } from './vehicle-state.ts';

/** Marker colour of a vehicle: its state, or alarm when it has an open emergency alarm. */
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
    let size = 44;
    if (children.length < 100) size = 36;
    if (children.length < 10) size = 30;
    const colour = state === 'noPosition' || state === 'noTerminal' ? 'offline' : state;
    return L.divIcon({ className: '', html: `<div class="vehicle-cluster ${colour} size-${size}">${children.length}</div>`, iconSize: [size, size] });
  }

  /**
   * Shows the vehicles that have a position and pass `visible`; the others are removed. Moved and
   * recoloured markers are taken out of the cluster group and put back in one batch, because moving
   * a marker inside the group re-clusters it alone, which for a whole fleet costs seconds.
   */
  update(vehicles: VehicleOverview[], alarmed: ReadonlySet<number>, visible: (vehicle: VehicleOverview) => boolean): number {
    const seen = new Set<number>();
    const added: L.Marker[] = [];
    const changed: { entry: Entry; latLng: LatLngTuple | null; selected: boolean }[] = [];
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
      if (entry.state === state && entry.key === key) continue;
      const moved = entry.key !== key;
      entry.state = state;
      entry.key = key;
      changed.push({ entry, latLng: moved ? latLng : null, selected: vehicle.id === this.#selected });
    }

    const removed: L.Marker[] = [];
    for (const [id, entry] of this.#entries) {
      if (seen.has(id)) continue;
      removed.push(entry.marker);
      this.#entries.delete(id);
    }
    // When much of the fleet changed, clustering every marker afresh is faster than moving each.
    const rebuild = changed.length + added.length + removed.length > this.#entries.size / 10;
    const changedMarkers = changed.map((change) => change.entry.marker);
    if (rebuild) this.#group.clearLayers();
    else if (removed.length + changedMarkers.length > 0) this.#group.removeLayers([...removed, ...changedMarkers]);
    for (const { entry, latLng, selected } of changed) {
      this.#states.set(entry.marker, entry.state);
      entry.marker.setIcon(icon(entry.state, selected));
      if (latLng) entry.marker.setLatLng(latLng);
    }
    if (rebuild) this.#group.addLayers([...this.#entries.values()].map((entry) => entry.marker));
    else if (added.length + changedMarkers.length > 0) this.#group.addLayers([...added, ...changedMarkers]);
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
