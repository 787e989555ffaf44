import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Fixed-window request counter per key (the client IP address). The counts live in memory, so a
 * restart clears them and several processes would each count on their own.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly max: number;
  private readonly windowMs: number;

  constructor(options: { max: number; windowS: number }) {
    this.max = options.max;
    this.windowMs = options.windowS * 1000;
  }

  /** Counts one request of `key`; returns 0 when it is allowed, else the seconds until the window ends. */
  hit(key: string, now = Date.now()): number {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size >= maxTrackedKeys) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.max) return 0;
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }

  /** Returns whether `key` has just gone over the limit (its first rejected request in this window). */
  justExceeded(key: string): boolean {
    return this.windows.get(key)?.count === this.max + 1;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
    // Under a flood of distinct addresses, forget the oldest windows rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < maxTrackedKeys) break;
      this.windows.delete(key);
    }
  }
}

const maxTrackedKeys = 100_000;

export const rateLimited = (retryAfterS: number) =>
  new AppError('GONGCHE_ERR_RATE_LIMITED', 429, `Too many log-in attempts from this address; try again in ${retryAfterS} s`, {
    value: { retryAfterS },
  });

/**
 * Builds an onRequest hook that counts requests per client IP address and rejects them with 429
 * and Retry-After once the limit is passed. `onExceeded` runs for the first rejected request of a window.
 */
export function rateLimitHook(limiter: RateLimiter, onExceeded: (request: FastifyRequest) => void) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const retryAfterS = limiter.hit(request.ip);
    if (retryAfterS === 0) return;
    if (limiter.justExceeded(request.ip)) onExceeded(request);
    reply.header('Retry-After', String(retryAfterS));
    throw rateLimited(retryAfterS);
  };
}
