import { Jt808Error } from './errors.ts';
import type { TextCodec } from './types.ts';

const gbkDecoder = new TextDecoder('gbk');

/**
 * Default text codec. Decoding is full GBK through the WHATWG TextDecoder, which needs Node's ICU.
 * Encoding handles ASCII only and throws JT808_ERR_TEXT_ENCODING for other text, so callers that
 * send Chinese text pass a full GBK codec, for example one built on iconv-lite.
 */
export const gbk: TextCodec = {
  decode(bytes: Uint8Array): string {
    return gbkDecoder.decode(bytes);
  },
  encode(text: string): Buffer {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        throw new Jt808Error(
          'JT808_ERR_TEXT_ENCODING',
          `the built-in codec encodes ASCII only, "${text}" has U+${text.charCodeAt(i).toString(16).padStart(4, '0')}; pass a GBK TextCodec in options.text`,
          text,
        );
      }
    }
    return Buffer.from(text, 'latin1');
  },
};

/** Decodes a fixed-length text field: trailing 0x00 padding is removed, everything else kept. */
export function decodeFixedText(bytes: Uint8Array, codec: TextCodec): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return codec.decode(bytes.subarray(0, end));
}
