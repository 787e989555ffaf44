import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { defaultConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { buildApi } from '../../src/api/app.ts';
import { noGateway } from '../../src/gateway/control.ts';
import { createUser, type Role } from '../../src/security/users.ts';
import { AlertHub } from '../../src/alerts/hub.ts';
import { saveAlert } from '../../src/alerts/sink.ts';
import type { AlertDraft } from '../../src/rules/engine/types.ts';
import { attachTestKeyring } from '../helpers/keyring.ts';
import { enrolTotp, testPassword } from '../api/harness.ts';

export interface AlertHarness {
  app: FastifyInstance;
  store: Store;
  hub: AlertHub;
  config: Config;
  /** http://127.0.0.1:PORT of the listening API. */
  baseUrl: string;
  /** Creates a user, logs in and returns the session token. */
  loginAs(role: Role, options?: { unitId?: number; username?: string }): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;

/** Starts the API with an alert hub on a fresh store, listening on 127.0.0.1 at a free port. */
export async function startAlertHarness(overrides: Partial<Config> = {}): Promise<AlertHarness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-alerts-'));
  const base = defaultConfig({ dataDir: dir });
  const config: Config = { ...base, auth: { ...base.auth, loginRateLimitMax: 100_000 }, trustProxy: null, ...overrides };
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachTestKeyring(store);
  const logger = createLogger();
  const hub = new AlertHub(store.db, logger, config.auth);
  const app = await buildApi({ store, logger, gateway: noGateway, config, alertHub: hub });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    store,
    hub,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    async loginAs(role, options = {}) {
      const username = options.username ?? `${role}.alerts${++userCounter}`;
      await createUser(store.db, { username, role, unitId: options.unitId ?? null, password: testPassword, mustChangePassword: false });
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: testPassword } });
      if (response.statusCode !== 200) throw new Error(`log-in of ${username} failed: ${response.body}`);
      const { token, mustEnrolTotp } = response.json() as { token: string; mustEnrolTotp: boolean };
      if (mustEnrolTotp) await enrolTotp(app, token);
      return token;
    },
    async close() {
      await app.close();
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A live socket client that collects the JSON messages it receives. */
export interface LiveClient {
  socket: WebSocket;
  messages: { type: string; [field: string]: unknown }[];
  /** Resolves with the first collected message that matches, waiting up to timeoutMs. */
  waitFor(match: (message: { type: string; [field: string]: unknown }) => boolean, timeoutMs?: number): Promise<{ type: string; [field: string]: unknown }>;
  close(): Promise<void>;
}

export async function openLive(baseUrl: string, headers: Record<string, string>): Promise<LiveClient> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/ws`, { headers });
  const messages: LiveClient['messages'] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    waitFor(match, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching live message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      });
    },
  };
}

let keyCounter = 0;

/** Builds an alert draft of a vehicle; evidence and facts may be overridden. */
export function alertDraft(ids: { unitId: number; vehicleId: number }, overrides: Partial<AlertDraft> = {}): AlertDraft {
  const start = overrides.start ?? Date.UTC(2025, 9, 8, 14, 0);
  const end = overrides.end ?? start + 45 * 60_000;
  return {
    key: `non_official_place:${ids.vehicleId}:${start}:${++keyCounter}`,
    rule: 'non_official_place',
    vehicleId: ids.vehicleId,
    unitId: ids.unitId,
    start,
    end,
    severity: 'medium',
    late: false,
    facts: { dwellS: (end - start) / 1000, placeName: '喀什某宾馆' },
    evidence: { positionRange: { vehicleId: ids.vehicleId, from: start, to: end }, positionIds: [], rawFrameIds: [], placeId: null, tripOrderId: null, orderAbsent: true, tripId: null },
    ...overrides,
  };
}

/** Saves a draft through the sink and returns the new alert's id. */
export async function insertAlert(store: Store, draft: AlertDraft): Promise<number> {
  return (await saveAlert(store.db, draft, Date.now())).id;
}

/** Builds a multipart/form-data body with one file part, as a browser's form upload sends it. */
export function multipartFile(fileName: string, mediaType: string, content: Buffer, field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----gongche${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: ${mediaType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A small but well-formed PDF file. */
export const samplePdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
