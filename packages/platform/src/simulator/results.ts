/** Meanings of the 0x8100 registration result codes (JT/T 808 table 9). */
const registrationResults: Record<number, string> = {
  0: 'success',
  1: 'vehicle already registered',
  2: 'vehicle not in the platform database',
  3: 'terminal already registered',
  4: 'terminal not in the platform database',
};

/** Meanings of the result codes of the 0x8001 and 0x0001 general responses (JT/T 808 tables 4 and 5). */
const generalResults: Record<number, string> = {
  0: 'success',
  1: 'failure',
  2: 'message error',
  3: 'not supported',
  4: 'alarm handling confirmed',
};

/** Describes a 0x8100 result code in words, e.g. "4 (terminal not in the platform database)". */
export function describeRegistrationResult(result: number): string {
  return `${result} (${registrationResults[result] ?? 'unknown result code'})`;
}

/** Describes a general-response result code in words, e.g. "2 (message error)". */
export function describeGeneralResult(result: number): string {
  return `${result} (${generalResults[result] ?? 'unknown result code'})`;
}

/** Formats a message id as the usual 0x-prefixed four hex digits. */
export function hexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}
