import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createTerminal, toTerminal, updateTerminal, type Terminal } from '../../registry/terminals.ts';
import { terminalInput } from '../../registry/schemas.ts';
import { notFound } from '../../errors.ts';
import type { GatewayControl } from '../../gateway/control.ts';
import { assertRegistryWrite } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, terminalOutput, terminalPatch } from '../schemas.ts';

const withOnline = (terminal: Terminal, gateway: GatewayControl) => ({ ...terminal, online: gateway.isOnline(terminal.id) });

/** Terminals of the registry. Auth codes are never returned: toTerminal leaves them out and the response schema strips unknown keys. */
export async function terminalRoutes(app: ZodApp, { store, gateway }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];

  app.get('/api/terminals', {
    schema: { tags, summary: 'List terminals', response: { 200: z.object({ items: z.array(terminalOutput) }), ...errorResponses } },
  }, async () => {
    const rows = await db.selectFrom('terminals').selectAll().orderBy('id').execute();
    return { items: rows.map((row) => withOnline(toTerminal(row), gateway)) };
  });

  app.get('/api/terminals/:id', {
    schema: { tags, summary: 'Get a terminal', params: idParams, response: { 200: terminalOutput, ...errorResponses } },
  }, async (request) => {
    const row = await db.selectFrom('terminals').selectAll().where('id', '=', request.params.id).executeTakeFirst();
    if (!row) throw notFound('Terminal', request.params.id);
    return withOnline(toTerminal(row), gateway);
  });

  app.post('/api/terminals', {
    schema: {
      tags,
      summary: 'Register a terminal',
      description: 'legacyAuthCode is write-only: it is stored for migration from a previous platform and never returned.',
      body: terminalInput,
      response: { 201: terminalOutput, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const terminal = await createTerminal(db, request.body);
    request.log.info({ terminalId: terminal.id, userId: user.id }, 'terminal created');
    return reply.status(201).send(withOnline(terminal, gateway));
  });

  app.patch('/api/terminals/:id', {
    schema: { tags, summary: 'Change a terminal', params: idParams, body: terminalPatch, response: { 200: terminalOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const terminal = await updateTerminal(db, request.params.id, request.body);
    request.log.info({ terminalId: terminal.id, userId: user.id }, 'terminal changed');
    return withOnline(terminal, gateway);
  });
}
