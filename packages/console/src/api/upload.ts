import { ApiError, networkErrorCode } from './http.ts';

/** Progress of an upload: bytes sent of the total, and true once the server has the whole body and is working on it. */
export interface UploadProgress {
  loaded: number;
  total: number;
  processing: boolean;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

function parseError(xhr: XMLHttpRequest): ApiError {
  let body: { error?: { code?: string; message?: string; value?: unknown; details?: unknown } } = {};
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    // A proxy may respond with HTML, so the status alone then describes the failure.
  }
  const error = body.error ?? {};
  return new ApiError(xhr.status, error.code ?? `HTTP_${xhr.status}`, error.message ?? xhr.statusText, error.value, error.details);
}

/**
 * POSTs a JSON value or a multipart form and reports the upload's progress, which fetch cannot.
 * Imports (base64 files of several MB) and attachments use it. Throws ApiError like api.post.
 */
export function upload<T>(path: string, body: FormData | unknown, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-requested-with', 'gongche');
    const isForm = body instanceof FormData;
    if (!isForm) xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0, processing: false });
    xhr.upload.onload = () => options.onProgress?.({ loaded: 1, total: 1, processing: true });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve((xhr.responseText === '' ? undefined : JSON.parse(xhr.responseText)) as T);
      } else {
        reject(parseError(xhr));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, networkErrorCode, 'network error'));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(isForm ? body : JSON.stringify(body));
  });
}

/** Reads a file as base64 (without the data: prefix), reporting the bytes read. */
export function readBase64(file: File, onProgress?: (loaded: number, total: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => onProgress?.(event.loaded, event.total);
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}
