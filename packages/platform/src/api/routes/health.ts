import { z } from 'zod';
import type { ZodApp } from '../context.ts';
import { platformVersion } from '../version.ts';

export async function healthRoutes(app: ZodApp): Promise<void> {
  app.get('/api/health', {
    config: { public: true },
    schema: { tags: ['system'], summary: 'Liveness check', response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) } },
  }, async () => ({ status: 'ok' as const, version: platformVersion }));
}
