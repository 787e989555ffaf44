/**
 * Fetch wrapper for the platform API. The session travels in the HttpOnly cookie that
 * POST /api/auth/login sets; unsafe requests carry the X-Requested-With header that the server
 * requires of cookie-authenticated requests as a guard against cross-site request forgery.
 */

/** An error response of the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly value: unknown;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, value?: unknown, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.value = value;
    this.details = details;
  }
}

export const networkErrorCode = 'CONSOLE_NETWORK';

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** Listeners told about every API error before it is thrown, e.g. to send the user to log-in. */
const errorListeners = new Set<(error: ApiError) => void>();

export function onApiError(listener: (error: ApiError) => void): () => void {
  errorListeners.add(listener);
  return () => errorListeners.delete(listener);
}

export function buildUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; value?: unknown; details?: unknown } } = {};
  try {
    body = await response.json();
  } catch {
    // A proxy or a crash may answer with HTML or nothing; the status alone then describes it.
  }
  const error = body.error ?? {};
  return new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? response.statusText, error.value, error.details);
}

/** Sends a request and returns the raw response after checking its status; throws ApiError otherwise. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['x-requested-with'] = 'gongche';
  // The API rejects an empty body sent as JSON, so the header goes only with a body.
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (cause) {
    if ((cause as Error).name === 'AbortError') throw cause;
    const error = new ApiError(0, networkErrorCode, (cause as Error).message);
    for (const listener of errorListeners) listener(error);
    throw error;
  }
  if (response.ok) return response;
  const error = await toApiError(response);
  for (const listener of errorListeners) listener(error);
  throw error;
}

/** Sends a request and returns its JSON body (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { ...(query && { query }), ...(signal && { signal }) }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
};

/** Downloads a response body as a file with the given name. */
export async function download(path: string, query: Query, fileName: string): Promise<void> {
  const response = await send('GET', path, { query });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
