import type { LightMyRequestResponse } from 'fastify';
import { bearer, type Harness } from '../api/harness.ts';

/** Sends a JSON request with a bearer token and returns the response. */
export function call(h: Harness, token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return h.app.inject({ method, url, headers: bearer(token), ...(payload !== undefined && { payload: payload as object }) });
}

/** Returns the JSON body of a response after checking its status, with the body in the failure message. */
export function expectStatus<T = any>(response: LightMyRequestResponse, status: number): T {
  if (response.statusCode !== status) throw new Error(`expected HTTP ${status}, got ${response.statusCode}: ${response.body}`);
  return response.json() as T;
}

export const batchBodies = {
  first: {
    number: 1,
    name: '第一批',
    scopeRule: { unitCategories: { exclude: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] } },
    deadlines: { registration: '2022-05-10', review: '2022-05-20', installation: '2022-10-15', acceptance: '2022-10-15', data_security: '2022-12-31' },
  },
  second: {
    number: 2,
    name: '第二批',
    scopeRule: { unitCategories: { include: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] }, leadershipVehicles: { minRank: '副处级' } },
    deadlines: {},
  },
};
