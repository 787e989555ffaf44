import { api } from '../api/http.ts';
import type { ConsoleSettings, MapSettings } from '../api/types.ts';

let cached: Promise<MapSettings> | null = null;

/** Loads the map settings of the server once per page load. */
export function loadMapSettings(): Promise<MapSettings> {
  cached ??= api.get<ConsoleSettings>('/api/console/settings').then((settings) => settings.map).catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
