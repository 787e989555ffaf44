import iconv from 'iconv-lite';
import type { TextCodec } from '@gongche/jt808';

/** GBK text codec for JT/T 808 string fields (plates, names, text messages). */
export const gbkCodec: TextCodec = {
  decode: (bytes) => iconv.decode(Buffer.from(bytes), 'gbk'),
  encode: (text) => iconv.encode(text, 'gbk'),
};
