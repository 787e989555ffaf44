import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { defaultConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { buildApi } from '../../src/api/app.ts';
import { noGateway, type GatewayControl } from '../../src/gateway/control.ts';
import { createUser, type Role } from '../../src/security/users.ts';

export const testPassword = 'Correct-Horse-9';

export interface Harness {
  app: FastifyInstance;
  store: Store;
  /** Creates a user with testPassword, logs in and returns the bearer token. */
  loginAs(role: Role, options?: { unitId?: number; username?: string }): Promise<string>;
  close(): Promise<void>;
}

let userCounter = 0;

/** Starts the API on a fresh SQLite file in a temporary folder. */
export async function startHarness(gateway: GatewayControl = noGateway): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-api-'));
  const config = defaultConfig({ dataDir: dir });
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
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
      return response.json().token as string;
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
