/**
 * Catalog of the platform's typed errors. Every error carries a stable code that
 * clients branch on, an HTTP status for the API, and the offending value where there is one.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly value?: unknown;
  readonly details?: unknown;

  constructor(code: string, statusCode: number, message: string, options: { value?: unknown; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    if (options.value !== undefined) this.value = options.value;
    if (options.details !== undefined) this.details = options.details;
  }
}

export const notFound = (what: string, value: unknown) =>
  new AppError('GONGCHE_ERR_NOT_FOUND', 404, `${what} not found: ${String(value)}`, { value });

export const conflict = (message: string, value: unknown) =>
  new AppError('GONGCHE_ERR_CONFLICT', 409, message, { value });

export const invalid = (message: string, value?: unknown, details?: unknown) =>
  new AppError('GONGCHE_ERR_VALIDATION', 400, message, { value, details });

export const unauthorized = (message = 'Log-in required: POST /api/auth/login first') =>
  new AppError('GONGCHE_ERR_UNAUTHORIZED', 401, message);

export const forbidden = (message: string) => new AppError('GONGCHE_ERR_FORBIDDEN', 403, message);

export const unavailable = (message: string, value?: unknown) =>
  new AppError('GONGCHE_ERR_UNAVAILABLE', 503, message, { value });
