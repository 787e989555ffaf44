// Extracts the 喀什地区 (Kashgar Prefecture) outline from ECharts 4's province/xinjiang.json into
// src/map/kashgar-outline.json: decodes ECharts' UTF8Encoding, simplifies each ring
// (Douglas-Peucker, tolerance in degrees) and rounds to 5 decimals.
// Usage: node scripts/extract-kashgar-outline.mjs PATH/TO/echarts@4.9.0/map/json/province/xinjiang.json
import fs from 'node:fs';

const tolerance = 0.004;
const source = process.argv[2];
if (!source) {
  console.error('usage: extract-kashgar-outline.mjs PATH/TO/xinjiang.json (from echarts@4.9.0)');
  process.exit(2);
}

// ECharts 4 encoding: per ring, each character pair is a zigzag-encoded delta (code - 64) from the
// previous point, starting at encodeOffsets; coordinates are the integers divided by 1024.
function decodeRing(text, offsets) {
  const points = [];
  let [prevX, prevY] = offsets;
  for (let i = 0; i + 1 < text.length; i += 2) {
    let x = text.charCodeAt(i) - 64;
    let y = text.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    points.push([x / 1024, y / 1024]);
  }
  return points;
}

function perpendicularDistance(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / length;
}

function simplify(points) {
  if (points.length < 3) return points;
  let maxDistance = 0;
  let index = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const d = perpendicularDistance(points[i], points[0], points[points.length - 1]);
    if (d > maxDistance) {
      maxDistance = d;
      index = i;
    }
  }
  if (maxDistance <= tolerance) return [points[0], points[points.length - 1]];
  return [...simplify(points.slice(0, index + 1)).slice(0, -1), ...simplify(points.slice(index))];
}

const round = (value) => Math.round(value * 1e5) / 1e5;
const data = JSON.parse(fs.readFileSync(source, 'utf8'));
const feature = data.features.find((f) => f.properties.name === '喀什地区');
if (!feature || feature.geometry.type !== 'MultiPolygon') throw new Error('喀什地区 MultiPolygon not found in ' + source);
const polygons = feature.geometry.coordinates.map((polygon, p) =>
  polygon.map((ring, r) => {
    const points = simplify(decodeRing(ring, feature.geometry.encodeOffsets[p][r])).map(([x, y]) => [round(x), round(y)]);
    const first = points[0];
    const last = points[points.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) points.push(first);
    return points;
  }),
);
const output = {
  type: 'FeatureCollection',
  features: [{
    type: 'Feature',
    properties: {
      name: '喀什地区',
      source: 'echarts@4.9.0 map/json/province/xinjiang.json (geometry from AMap), decoded and simplified with a tolerance of 0.004 degrees',
      datum: 'GCJ-02',
    },
    geometry: { type: 'MultiPolygon', coordinates: polygons },
  }],
};
fs.writeFileSync(new URL('../src/map/kashgar-outline.json', import.meta.url), JSON.stringify(output) + '\n');
console.log(`wrote ${polygons.reduce((n, polygon) => n + polygon.reduce((m, ring) => m + ring.length, 0), 0)} points`);
