import type { FastifyInstance, FastifyRequest } from 'fastify';

const apiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The documentation page loads the swagger-ui scripts, styles and images from this server.
const docsPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Policy of the web console: its scripts, styles and fonts come from this server only, and images
 * also from the configured map tile servers. Inline scripts and style attributes stay forbidden;
 * Vue, Element Plus and Leaflet set styles through the CSSOM, which the policy does not restrict.
 */
export function consolePolicy(imageSources: readonly string[]): string {
  const images = ["'self'", 'data:', 'blob:', ...imageSources].join(' ');
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${images}; connect-src 'self'; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

export interface SecurityHeaderOptions {
  /** Origins of the map tile servers the console loads images from. */
  consoleImageSources?: readonly string[];
}

type ResponseKind = 'api' | 'docs' | 'console';

function responseKind(request: FastifyRequest): ResponseKind {
  const url = request.url;
  if (url.startsWith('/api/docs') && !url.startsWith('/api/docs/json')) return 'docs';
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?') || url.startsWith('/metrics')) return 'api';
  return 'console';
}

/**
 * Adds security headers to every response. API responses get a CSP that allows nothing to load
 * and are never cached; console files get the console's CSP and keep the caching that their
 * handler set.
 */
export function installSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions = {}): void {
  const imageSources = options.consoleImageSources ?? [];
  const console = consolePolicy(imageSources);
  // Tile servers such as Tianditu check the Referer against the key's allowed sites, so console
  // pages with a tile source send their origin (never the path); everything else sends nothing.
  const consoleReferrer = imageSources.length > 0 ? 'strict-origin' : 'no-referrer';
  app.addHook('onSend', async (request, reply, payload) => {
    const kind = responseKind(request);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', kind === 'console' ? consoleReferrer : 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    const policies = { docs: docsPolicy, console, api: apiPolicy };
    reply.header('Content-Security-Policy', policies[kind]);
    if (kind === 'api') reply.header('Cache-Control', 'no-store');
    // Only over TLS: a browser ignores the header on plain HTTP anyway (RFC 6797 section 8.1).
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000');
    return payload;
  });
}
