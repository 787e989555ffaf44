import os from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { AuditActor } from './log.ts';

/** The logged-in user of an API request, with the request's IP address. */
export function requestActor(request: FastifyRequest): AuditActor {
  const user = request.auth?.user;
  if (!user) return { userId: null, username: 'anonymous', role: null, address: request.ip };
  return { userId: user.id, username: user.username, role: user.role, address: request.ip };
}

/**
 * The operator of a CLI command: the operating-system account that ran it, as "os:NAME".
 * The CLI works on the database file directly, so this is the only identity there is.
 */
export function cliActor(): AuditActor {
  let name = 'unknown';
  try {
    name = os.userInfo().username;
  } catch {
    // Some containers run under a uid without a passwd entry.
    name = `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return { userId: null, username: `os:${name}`, role: null, address: null };
}
