import { invalid } from '../errors.ts';

/** Tile sources the console can draw under the map. */
export const tileSources = ['none', 'osm', 'tianditu', 'amap', 'custom'] as const;
export type TileSource = (typeof tileSources)[number];

/**
 * What the console needs to draw its base map. Positions are stored in WGS-84; with a GCJ-02
 * tile source the console shifts them to GCJ-02 for display only.
 */
export interface MapSettings {
  tiles: TileSource;
  /** Leaflet URL templates, drawn in order; Tianditu has a base layer and a label layer. */
  urls: string[];
  subdomains: string[];
  datum: 'wgs84' | 'gcj02';
  attribution: string;
  maxZoom: number;
}

const none: MapSettings = { tiles: 'none', urls: [], subdomains: [], datum: 'wgs84', attribution: '', maxZoom: 18 };

// Tianditu's Web Mercator WMTS layers: vector base map (vec_w) and its Chinese labels (cva_w).
// Tianditu uses CGCS2000, which differs from WGS-84 by centimetres, so positions need no shift.
function tiandituUrl(layer: 'vec' | 'cva', key: string): string {
  return `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;
}

/**
 * Reads the console's map settings from the environment:
 * GONGCHE_MAP_TILES (none, osm, tianditu, amap or custom; default none),
 * GONGCHE_MAP_TIANDITU_KEY (required for tianditu), and for custom an intranet tile server:
 * GONGCHE_MAP_TILE_URL (a {z}/{x}/{y} template), GONGCHE_MAP_TILE_DATUM (wgs84 or gcj02, default wgs84)
 * and GONGCHE_MAP_TILE_ATTRIBUTION.
 */
export function mapSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MapSettings {
  const tiles = (env.GONGCHE_MAP_TILES ?? 'none').trim() || 'none';
  if (!(tileSources as readonly string[]).includes(tiles)) {
    throw invalid(`GONGCHE_MAP_TILES must be one of ${tileSources.join(', ')}, got "${tiles}"`, tiles);
  }
  switch (tiles as TileSource) {
    case 'none':
      return none;
    case 'osm':
      return { tiles: 'osm', urls: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'], subdomains: [], datum: 'wgs84', attribution: '© OpenStreetMap contributors', maxZoom: 19 };
    case 'tianditu': {
      const key = env.GONGCHE_MAP_TIANDITU_KEY?.trim();
      if (!key) throw invalid('GONGCHE_MAP_TILES=tianditu needs GONGCHE_MAP_TIANDITU_KEY, the key of the Tianditu account (天地图开发者密钥)', tiles);
      return { tiles: 'tianditu', urls: [tiandituUrl('vec', key), tiandituUrl('cva', key)], subdomains: ['0', '1', '2', '3', '4', '5', '6', '7'], datum: 'wgs84', attribution: '天地图', maxZoom: 18 };
    }
    case 'amap':
      return { tiles: 'amap', urls: ['https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}'], subdomains: ['1', '2', '3', '4'], datum: 'gcj02', attribution: '高德地图', maxZoom: 18 };
    case 'custom': {
      const url = env.GONGCHE_MAP_TILE_URL?.trim() ?? '';
      if (!/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}|^https?:\/\/[^/]+\/.*\{z\}.*\{y\}.*\{x\}/.test(url)) {
        throw invalid(`GONGCHE_MAP_TILE_URL must be an http(s) URL template with {z}, {x} and {y}, e.g. http://tiles.example.gov.cn/{z}/{x}/{y}.png; got "${url}"`, url);
      }
      const datum = (env.GONGCHE_MAP_TILE_DATUM ?? 'wgs84').trim();
      if (datum !== 'wgs84' && datum !== 'gcj02') throw invalid(`GONGCHE_MAP_TILE_DATUM must be wgs84 or gcj02, got "${datum}"`, datum);
      return { tiles: 'custom', urls: [url], subdomains: [], datum, attribution: env.GONGCHE_MAP_TILE_ATTRIBUTION?.trim() ?? '', maxZoom: 18 };
    }
  }
}

/** Returns the origins the tile URLs load from, one per subdomain, for the console's Content-Security-Policy (img-src). */
export function tileOrigins(settings: MapSettings): string[] {
  const origins = new Set<string>();
  const subdomains = settings.subdomains.length > 0 ? settings.subdomains : [''];
  for (const template of settings.urls) {
    for (const subdomain of subdomains) {
      const url = new URL(template.replaceAll('{s}', subdomain).replaceAll(/\{[a-z]\}/g, '0'));
      origins.add(url.origin);
    }
  }
  return [...origins];
}
