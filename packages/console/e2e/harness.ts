import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { defaultConfig } from '../../platform/src/config.ts';
import { createLogger } from '../../platform/src/logger.ts';
import { openStore } from '../../platform/src/store/db.ts';
import { createUser, type Role } from '../../platform/src/security/users.ts';
import { startPlatform, type Platform } from '../../platform/src/platform.ts';

export const chromiumPath = process.env.GONGCHE_CHROMIUM ?? '/usr/bin/chromium';
export const initialPassword = 'Kashgar-Test-2026';
const consoleDist = path.resolve(import.meta.dirname, '../dist');
const imagesDir = path.resolve(import.meta.dirname, '../../../docs/zh-CN/images');

export interface TestUser {
  username: string;
  role: Role;
  unitId?: number | null;
  mustChangePassword?: boolean;
}

export interface TestServer {
  platform: Platform;
  baseUrl: string;
  dir: string;
  /** Calls the API as a user with a bearer token and returns the JSON body; throws with the body on a non-2xx status. */
  call<T = any>(token: string, method: string, url: string, body?: unknown): Promise<T>;
  /** Logs a user in through the API and returns the bearer token. */
  token(username: string, password?: string): Promise<string>;
  addUser(user: TestUser): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real platform (store, gateway, API and the built console) on random 127.0.0.1
 * ports over a temporary folder, optionally with the demo fleet driven by simulated terminals.
 */
export async function startServer(options: { demo?: { vehicles: number }; users?: TestUser[] } = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(consoleDist, 'index.html'))) throw new Error(`console not built in ${consoleDist}: run npm run build --workspace @gongche/console`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-e2e-'));
  const base = defaultConfig({ dataDir: dir, httpHost: '127.0.0.1', httpPort: 0, jt808Host: '127.0.0.1', jt808Port: 0, sqliteSync: 'NORMAL' });
  const config = { ...base, auth: { ...base.auth, loginRateLimitMax: 10_000 } };
  const logger = createLogger({ level: process.env.GONGCHE_LOG_LEVEL ?? 'silent' });

  // Users made before the start keep the platform from creating and printing the first admin.
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  for (const user of options.users ?? []) await createTestUser(store.db, user);
  await store.close();

  const demo = options.demo ? { vehicles: options.demo.vehicles, intervalS: 2 } : undefined;
  const platform = await startPlatform(config, logger, { demo });
  const baseUrl = `http://127.0.0.1:${platform.httpPort}`;

  async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(baseUrl + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    platform,
    baseUrl,
    dir,
    call,
    async token(username, password = initialPassword) {
      const response = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (!response.ok) throw new Error(`log-in of ${username} failed: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async addUser(user) {
      await createTestUser(platform.store.db, user);
    },
    async close() {
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createTestUser(db: Parameters<typeof createUser>[0], user: TestUser): Promise<void> {
  await createUser(db, { username: user.username, role: user.role, unitId: user.unitId ?? null, password: initialPassword, mustChangePassword: user.mustChangePassword ?? false });
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Page errors, console errors and Content-Security-Policy violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fresh profile. Every page error, console error and
 * CSP violation is collected in `problems`, so that tests can assert the console ran cleanly.
 */
export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<TestBrowser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install Debian's package (apt-get install --no-install-recommends chromium) or set GONGCHE_CHROMIUM`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const problems: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Refused API requests are part of several tests; the console reports them on the page.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Saves a screenshot of the page. With GONGCHE_UPDATE_SCREENSHOTS=1 it goes to docs/zh-CN/images
 * for the user guide; otherwise to a temporary folder, so a test run leaves the tree unchanged.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.GONGCHE_UPDATE_SCREENSHOTS === '1' ? imagesDir : path.join(os.tmpdir(), 'gongche-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Returns the text input marked data-test=name: Element Plus puts the attribute on the input itself or on its wrapper. */
export function field(page: Page, name: string) {
  return page.locator(`input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input`).first();
}

/** Logs in through the console's log-in page. */
export async function logIn(page: Page, baseUrl: string, username: string, password = initialPassword): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await field(page, 'username').fill(username);
  await field(page, 'password').fill(password);
  await page.locator('[data-test=login-submit]').click();
}
