import { BodyReader } from '../body-reader.ts';
import { gbk } from '../text.ts';

/** One record of a JT/T 1078 0x1205 audio/video resource list (28 bytes). */
export interface AvResource {
  /** Logical channel number. */
  channel: number;
  startTime: Date;
  endTime: Date;
  /** Bits 0-31 of the 64-bit alarm flags: the JT/T 808 alarm DWORD. */
  alarm: number;
  /** Bits 32-63 of the 64-bit alarm flags: the JT/T 1078 video alarms. */
  videoAlarm: number;
  /** 0 audio and video, 1 audio, 2 video. */
  avType: number;
  /** 1 main stream, 2 sub stream. */
  streamType: number;
  /** 1 main storage, 2 disaster-recovery storage. */
  storageType: number;
  sizeBytes: number;
}

export interface AvResourceList {
  replySerial: number;
  /** Record count declared in the body. */
  count: number;
  resources: AvResource[];
}

/** Decodes a 0x1205 body (JT/T 1078): reply serial WORD, count DWORD, then 28-byte records. Throws Jt808Error. */
export function decodeAvResourceList(body: Buffer): AvResourceList {
  const reader = new BodyReader(body, gbk);
  const replySerial = reader.u16('reply serial');
  const count = reader.u32('resource count');
  const resources: AvResource[] = [];
  for (let i = 0; i < count; i++) {
    const channel = reader.u8('channel');
    const startTime = reader.timeStrict('resource start time');
    const endTime = reader.timeStrict('resource end time');
    // The 64-bit flags are big-endian: bits 63-32 come first.
    const videoAlarm = reader.u32('video alarm flags');
    const alarm = reader.u32('alarm flags');
    resources.push({
      channel,
      startTime,
      endTime,
      alarm,
      videoAlarm,
      avType: reader.u8('audio/video type'),
      streamType: reader.u8('stream type'),
      storageType: reader.u8('storage type'),
      sizeBytes: reader.u32('file size'),
    });
  }
  return { replySerial, count, resources };
}
