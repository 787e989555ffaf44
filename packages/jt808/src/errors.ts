/**
 * Stable error codes of the codec. Callers branch on `code`, never on the message text.
 *
 * | code | meaning |
 * |---|---|
 * | JT808_ERR_MISSING_FLAG | The wire bytes do not start and end with the 0x7e flag. |
 * | JT808_ERR_ESCAPE | 0x7d is followed by a byte other than 0x01 or 0x02, or ends the frame. |
 * | JT808_ERR_CHECKSUM | The XOR check code does not match the content. |
 * | JT808_ERR_FRAME_TOO_LARGE | More escaped bytes between the flags than `maxFrameBytes`. |
 * | JT808_ERR_FRAME_TOO_SHORT | Fewer bytes than a header and a check code need. |
 * | JT808_ERR_BODY_LENGTH | The body length in the body properties differs from the bytes present. |
 * | JT808_ERR_TRUNCATED_BODY | A message body ends before a field its layout requires. |
 * | JT808_ERR_BCD | A BCD field contains a nibble above 9, or a BCD time is not a valid date. |
 * | JT808_ERR_UNSUPPORTED_MESSAGE | No body decoder or encoder exists for the message id. |
 * | JT808_ERR_ENCRYPTED_BODY | The body is encrypted (body properties bits 10-12); decrypting is not supported. |
 * | JT808_ERR_SUBPACKAGE | A package of a sub-packaged message was passed where a whole message is needed, or its total/index is invalid. |
 * | JT808_ERR_TEXT_ENCODING | Text cannot be encoded with the text codec in use. |
 * | JT808_ERR_INVALID_FIELD | A value to encode is out of range or does not fit its field. |
 */
export type Jt808ErrorCode =
  | 'JT808_ERR_MISSING_FLAG'
  | 'JT808_ERR_ESCAPE'
  | 'JT808_ERR_CHECKSUM'
  | 'JT808_ERR_FRAME_TOO_LARGE'
  | 'JT808_ERR_FRAME_TOO_SHORT'
  | 'JT808_ERR_BODY_LENGTH'
  | 'JT808_ERR_TRUNCATED_BODY'
  | 'JT808_ERR_BCD'
  | 'JT808_ERR_UNSUPPORTED_MESSAGE'
  | 'JT808_ERR_ENCRYPTED_BODY'
  | 'JT808_ERR_SUBPACKAGE'
  | 'JT808_ERR_TEXT_ENCODING'
  | 'JT808_ERR_INVALID_FIELD';

export class Jt808Error extends Error {
  readonly code: Jt808ErrorCode;
  /** The offending value (a byte, a length, a message id), when there is one. */
  readonly value?: unknown;

  constructor(code: Jt808ErrorCode, message: string, value?: unknown) {
    super(message);
    this.name = 'Jt808Error';
    this.code = code;
    if (value !== undefined) this.value = value;
  }
}

/** Throws JT808_ERR_TRUNCATED_BODY unless `need` bytes are available at `offset`. */
export function requireBytes(body: Uint8Array, offset: number, need: number, field: string): void {
  if (offset + need > body.length) {
    throw new Jt808Error(
      'JT808_ERR_TRUNCATED_BODY',
      `body ends before ${field}: need ${need} bytes at offset ${offset}, body has ${body.length}`,
      { field, offset, need, length: body.length },
    );
  }
}
