import { AppError } from '../errors.ts';

/** Reason a package was rejected. Each reason has its own stable error code. */
export type ExchangeFailure = 'SIGNATURE' | 'DIGEST' | 'FILE' | 'TRUNCATED' | 'REPLAY' | 'DECRYPT' | 'MANIFEST' | 'KEY';

const statusOf: Record<ExchangeFailure, number> = {
  SIGNATURE: 422,
  DIGEST: 422,
  FILE: 422,
  TRUNCATED: 422,
  REPLAY: 409,
  DECRYPT: 422,
  MANIFEST: 422,
  KEY: 400,
};

/** Builds the error GONGCHE_ERR_EXCHANGE_<failure>, naming the offending file or value. */
export function exchangeError(failure: ExchangeFailure, message: string, value?: unknown): AppError {
  return new AppError(`GONGCHE_ERR_EXCHANGE_${failure}`, statusOf[failure], message, { value });
}
