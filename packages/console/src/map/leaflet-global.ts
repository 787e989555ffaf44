import L from 'leaflet';

// Leaflet.markercluster 1.5 is a UMD script that extends the global `L`; this module runs before
// it is imported (see vehicle-layer.ts), so the plugin finds the same Leaflet the console uses.
(window as unknown as { L: typeof L }).L = L;

export default L;
