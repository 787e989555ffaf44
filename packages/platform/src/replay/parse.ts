import { decodeFrame, Jt808Error, type Header } from '@gongche/jt808';

/** One frame read from a capture file. */
export interface CapturedFrame {
  /** 1-based line number in the file. */
  line: number;
  /** The frame exactly as captured, flags included. */
  wire: Buffer;
  header: Header;
  /** False when the XOR check code does not match; such frames are still sent. */
  checksumValid: boolean;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface Capture {
  frames: CapturedFrame[];
  skipped: SkippedLine[];
}

/**
 * Parses a capture: one hex frame per line (flags included; spaces between bytes allowed), blank
 * lines and lines starting with # ignored. Lines that are not hex or not a frame are returned in
 * `skipped` with their line number and reason.
 */
export function parseCapture(text: string): Capture {
  const capture: Capture = { frames: [], skipped: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const hex = trimmed.replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) {
      capture.skipped.push({ line, reason: 'not hex: expected an even number of hex digits, optionally separated by spaces' });
      return;
    }
    const result = readFrame(Buffer.from(hex, 'hex'));
    if ('reason' in result) capture.skipped.push({ line, reason: result.reason });
    else capture.frames.push({ line, ...result });
  });
  return capture;
}

function readFrame(wire: Buffer): Omit<CapturedFrame, 'line'> | { reason: string } {
  try {
    return { wire, header: decodeFrame(wire).header, checksumValid: true };
  } catch (error) {
    if (!(error instanceof Jt808Error)) throw error;
    if (error.code !== 'JT808_ERR_CHECKSUM') return { reason: `not a JT/T 808 frame: ${error.message}` };
  }
  try {
    return { wire, header: decodeFrame(wire, { verifyChecksum: false, allowShortBody: false }).header, checksumValid: false };
  } catch (error) {
    if (!(error instanceof Jt808Error)) throw error;
    return { reason: `not a JT/T 808 frame: ${error.message}` };
  }
}
