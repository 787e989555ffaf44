import { Jt808Error } from './errors.ts';

export const FLAG = 0x7e;
export const ESCAPE = 0x7d;

/**
 * Unescapes wire bytes [start, end) (between the flags): 0x7d 0x02 is 0x7e and 0x7d 0x01 is 0x7d.
 * Returns a view of `wire` when nothing is escaped, otherwise a new buffer.
 */
export function unescapeContent(wire: Buffer, start: number, end: number): Buffer {
  const first = wire.indexOf(ESCAPE, start);
  if (first < 0 || first >= end) return wire.subarray(start, end);

  const out = Buffer.allocUnsafe(end - start);
  let length = wire.copy(out, 0, start, first);
  for (let i = first; i < end; i++) {
    const byte = wire[i]!;
    if (byte !== ESCAPE) {
      out[length++] = byte;
      continue;
    }
    const next = i + 1 < end ? wire[i + 1]! : -1;
    if (next === 0x01) out[length++] = ESCAPE;
    else if (next === 0x02) out[length++] = FLAG;
    else {
      const what = next < 0 ? 'ends the frame' : `is followed by 0x${next.toString(16).padStart(2, '0')}`;
      throw new Jt808Error('JT808_ERR_ESCAPE', `invalid escape: 0x7d at offset ${i} ${what}`, next < 0 ? undefined : next);
    }
    i++;
  }
  return out.subarray(0, length);
}

/** XOR of bytes [start, end). */
export function xorCheckCode(bytes: Uint8Array, start: number, end: number): number {
  let code = 0;
  let i = start;
  // Four bytes per step: fewer loop checks on the hot path.
  for (const stop = end - 3; i < stop; i += 4) code ^= bytes[i]! ^ bytes[i + 1]! ^ bytes[i + 2]! ^ bytes[i + 3]!;
  for (; i < end; i++) code ^= bytes[i]!;
  return code;
}

/** Builds the wire frame: start flag, escaped `content` (check code included), end flag. */
export function escapeFrame(content: Uint8Array): Buffer {
  let extra = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i]!;
    if (byte === FLAG || byte === ESCAPE) extra++;
  }
  const wire = Buffer.allocUnsafe(content.length + extra + 2);
  wire[0] = FLAG;
  wire[wire.length - 1] = FLAG;
  if (extra === 0) {
    wire.set(content, 1);
    return wire;
  }
  let at = 1;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i]!;
    if (byte === FLAG || byte === ESCAPE) {
      wire[at++] = ESCAPE;
      wire[at++] = byte === FLAG ? 0x02 : 0x01;
    } else {
      wire[at++] = byte;
    }
  }
  return wire;
}
