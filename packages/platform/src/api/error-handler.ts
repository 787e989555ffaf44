import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';

interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; value?: unknown; details?: unknown } };
}

function response(status: number, code: string, message: string, extra: { value?: unknown; details?: unknown } = {}): ErrorResponse {
  return { status, body: { error: { code, message, ...extra } } };
}

interface ValidationFailure {
  validation: { instancePath: string; message?: string }[];
  validationContext?: string;
}

function validationResponse(error: ValidationFailure): ErrorResponse {
  const context = error.validationContext ?? 'request';
  const details = error.validation.map((issue) => ({
    path: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'invalid',
  }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return response(400, 'GONGCHE_ERR_VALIDATION', `Invalid request: ${summary}`, { details });
}

// Fastify's own 4xx errors (bad JSON, body too large, wrong content type) keep their status with a platform code.
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GONGCHE_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GONGCHE_ERR_VALIDATION',
  FST_ERR_CTP_INVALID_JSON_BODY: 'GONGCHE_ERR_VALIDATION',
};

/** Maps any error thrown in a request to its status and JSON body; unknown errors become a bare 500. */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (hasZodFastifySchemaValidationErrors(error)) return validationResponse(error);
  if (error instanceof AppError) {
    const extra = {
      ...(error.value !== undefined && { value: error.value }),
      ...(error.details !== undefined && { details: error.details }),
    };
    return response(error.statusCode, error.code, error.message, extra);
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = fastifyCodes[fastifyError.code ?? ''] ?? 'GONGCHE_ERR_BAD_REQUEST';
    const hint = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? ': send the body as JSON with the header Content-Type: application/json' : '';
    return response(status, code, `${fastifyError.message ?? 'Bad request'}${hint}`);
  }
  return response(500, 'GONGCHE_ERR_INTERNAL', `Internal error (request ${requestId}); the server log has the details`);
}

/** Installs the JSON error and not-found handlers: 4xx are logged at info, 5xx at error. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error, String(request.id));
    if (status >= 500) request.log.error({ err: error, code: body.error.code }, 'request failed');
    else request.log.info({ status, code: body.error.code, message: body.error.message }, 'request rejected');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body = response(404, 'GONGCHE_ERR_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`).body;
    return reply.status(404).send(body);
  });
}
