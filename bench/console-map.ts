// Live map benchmark: a platform with N vehicles (default 2,000), each driven by a simulated
// terminal, and Debian's Chromium opening the console's live map. Prints the time from
// navigation to all vehicles drawn (first render), the latency of GET /api/vehicles, and the
// cost of each map update (a vehicle.position push from the live socket, about once a second, or
// a reload of the list every 60 s). Everything runs in this process and the browser on the same machine.
// Usage: node --import tsx bench/console-map.ts [vehicles=2000] [seconds of refreshes=30]
// Build the console first: npm run build --workspace @gongche/console
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { defaultConfig } from '../packages/platform/src/config.ts';
import { createLogger } from '../packages/platform/src/logger.ts';
import { startPlatform } from '../packages/platform/src/platform.ts';
import { createUser } from '../packages/platform/src/security/users.ts';
import { SimulatedFleet, type FleetMember } from '../packages/platform/src/simulator/fleet.ts';

const [vehicleCount = 2000, refreshSeconds = 30] = process.argv.slice(2, 4).map(Number);
const perUnit = 100;
const password = 'Bench-Console-2026';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number) => Math.round(value * 10) / 10;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-bench-map-'));
const base = defaultConfig({ dataDir: dir, httpHost: '127.0.0.1', httpPort: 0, jt808Host: '127.0.0.1', jt808Port: 0, sqliteSync: 'NORMAL' });
const platform = await startPlatform(base, createLogger({ level: 'warn' }));
const { db } = platform.store;

// Units of 100 vehicles, each vehicle with a terminal; rows go straight into the registry tables.
const now = Date.now();
const members: FleetMember[] = [];
for (let u = 0; u < Math.ceil(vehicleCount / perUnit); u++) {
  const unit = await db.insertInto('units').values({ name: `基准测试单位${u + 1}`, category: 'other', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  for (let i = u * perUnit; i < Math.min(vehicleCount, (u + 1) * perUnit); i++) {
    const plate = `新Q${String(i).padStart(5, '0')}`;
    const phone = `0138${String(i).padStart(8, '0')}`;
    const vehicle = await db.insertInto('vehicles').values({ unit_id: unit.id, plate, usage_nature: '一般公务用车', status: 'in_use', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('terminals').values({ phone, phone_key: phone.replace(/^0+/, ''), vehicle_id: vehicle.id, created_at: now, updated_at: now }).execute();
    members.push({ phone, plate });
  }
}
await createUser(db, { username: 'bench', role: 'bureau_admin', password, mustChangePassword: false });

const fleet = new SimulatedFleet({ host: '127.0.0.1', port: platform.jt808Port, members, edition: '2013', intervalS: 10, staggerMs: 2, logger: createLogger({ level: 'warn' }) });
fleet.start();
const started = Date.now();
while (platform.gateway.onlineCount() < vehicleCount && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 500));
// One report interval more, so that every vehicle has a last position.
await new Promise((r) => setTimeout(r, 11_000));
console.log(`${platform.gateway.onlineCount()} of ${vehicleCount} terminals online after ${Math.round((Date.now() - started) / 1000)} s`);

const baseUrl = `http://127.0.0.1:${platform.httpPort}`;
const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password }) });
const { token } = (await login.json()) as { token: string };
async function timeVehicleList(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}/api/vehicles`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times;
}
const apiTimes = await timeVehicleList();

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.GONGCHE_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${baseUrl}/login`);
await page.locator('input[data-test=username], [data-test=username] input').first().fill('bench');
await page.locator('input[data-test=password], [data-test=password] input').first().fill(password);
await page.locator('[data-test=login-submit]').click();
await page.waitForURL('**/dashboard');

// First render: navigation to the map page until the count shows every vehicle and clusters are drawn.
const firstRender: number[] = [];
for (let run = 0; run < 3; run++) {
  const t0 = Date.now();
  await page.goto(`${baseUrl}/map`);
  await page.locator('[data-test=vehicle-count]').getByText(`${vehicleCount} / ${vehicleCount}`).waitFor({ timeout: 60_000 });
  await page.locator('.vehicle-cluster').first().waitFor();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  firstRender.push(Date.now() - t0);
}

await page.evaluate(() => performance.clearMeasures('gongche.map.update'));
await page.waitForTimeout(refreshSeconds * 1000);
const updates = await page.evaluate(() => performance.getEntriesByName('gongche.map.update').map((entry) => entry.duration));

// The same list once the terminals stop reporting, to separate the query from the ingest load.
const chromiumVersion = context.browser()?.version() ?? 'unknown';
await context.close();
await fleet.stop();
const idleApiTimes = await timeVehicleList();

console.log(JSON.stringify({
  vehicles: vehicleCount,
  chromium: chromiumVersion,
  apiVehiclesMs: { median: round(median(apiTimes)), max: round(Math.max(...apiTimes)) },
  apiVehiclesIdleMs: { median: round(median(idleApiTimes)), max: round(Math.max(...idleApiTimes)) },
  firstRenderMs: firstRender,
  refreshes: updates.length,
  refreshMs: updates.length === 0 ? null : { median: round(median(updates)), max: round(Math.max(...updates)) },
}, null, 2));

await platform.close();
fs.rmSync(profile, { recursive: true, force: true });
fs.rmSync(dir, { recursive: true, force: true });
