import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { defaultConfig, type AuthSettings, type LeadershipVehicleSettings } from '../../src/config.ts';
import { base32Decode, totp } from '../../src/security/totp.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { attachTestKeyring } from '../helpers/keyring.ts';
import { buildApi } from '../../src/api/app.ts';
import { noGateway, type GatewayControl } from '../../src/gateway/control.ts';
import { createUser, type Role } from '../../src/security/users.ts';

export const testPassword = 'Correct-Horse-9';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  /** Creates a user with testPassword, logs in (enrolling TOTP where the role needs it) and returns the bearer token. */
  loginAs(role: Role, options?: { unitId?: number; username?: string }): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;

export interface HarnessSettings {
  trustProxy?: string;
  auth?: Partial<AuthSettings>;
  leadershipVehicles?: Partial<LeadershipVehicleSettings>;
}

/** Enrols TOTP for a logged-in user through the API; returns the base32 secret. */
export async function enrolTotp(app: FastifyInstance, token: string): Promise<string> {
  const setup = await app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
  if (setup.statusCode !== 200) throw new Error(`TOTP setup failed: ${setup.body}`);
  const { secret } = setup.json() as { secret: string };
  const code = totp(base32Decode(secret), Date.now());
  const enable = await app.inject({ method: 'POST', url: '/api/auth/totp/enable', headers: bearer(token), payload: { code } });
  if (enable.statusCode !== 200) throw new Error(`TOTP enable failed: ${enable.body}`);
  return secret;
}

/**
 * Starts the API on a fresh SQLite file in a temporary folder. The log-in rate limit is raised
 * so that tests can log in many users from 127.0.0.1; `settings` overrides any setting.
 */
export async function startHarness(gateway: GatewayControl = noGateway, settings: HarnessSettings = {}): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-api-'));
  const base = defaultConfig({ dataDir: dir });
  const config = {
    ...base,
    auth: { ...base.auth, loginRateLimitMax: 100_000, ...settings.auth },
    leadershipVehicles: { ...base.leadershipVehicles, ...settings.leadershipVehicles },
    trustProxy: settings.trustProxy ?? null,
  };
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachTestKeyring(store);
  const app = await buildApi({ store, logger: createLogger(), gateway, config });
  await app.ready();
  return {
    app,
    store,
    async loginAs(role, options = {}) {
      const username = options.username ?? `${role}${++userCounter}`;
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

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Returns the error code of a JSON error response. */
export function errorCode(response: LightMyRequestResponse): string | undefined {
  return (response.json() as { error?: { code?: string } }).error?.code;
}
