import type { FastifyInstance } from 'fastify';

const apiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The documentation page loads the swagger-ui scripts, styles and images from this server.
const docsPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Adds security headers to every response; API responses get a CSP that allows nothing to load. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    const docsPage = request.url.startsWith('/api/docs') && !request.url.startsWith('/api/docs/json');
    reply.header('Content-Security-Policy', docsPage ? docsPolicy : apiPolicy);
    if (!docsPage) reply.header('Cache-Control', 'no-store');
    // Only over TLS: a browser ignores the header on plain HTTP anyway (RFC 6797 section 8.1).
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000');
    return payload;
  });
}
