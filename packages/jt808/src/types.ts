/**
 * Public types of the JT/T 808 codec. Field names follow JT/T 808-2019 where the
 * standard names a field; units are in the field name where the wire value is scaled.
 */

/** Header layout: '2013' is the 6-byte-phone header shared by 2011 and 2013; '2019' has the version byte and a 10-byte phone. */
export type HeaderEdition = '2013' | '2019';

/** Body layout of a message whose body differs between editions (0x0100, 0x0102, 0x0702). */
export type BodyEdition = '2011' | '2013' | '2019';

export interface Subpackage {
  /** Total number of packages, 1-based. */
  total: number;
  /** Index of this package, 1-based. */
  index: number;
}

export interface Header {
  messageId: number;
  edition: HeaderEdition;
  /** Protocol version byte of a 2019 header; absent for 2011/2013. */
  protocolVersion?: number;
  /** BCD digits of the terminal phone number, every digit kept: 12 for 2011/2013, 20 for 2019. */
  phone: string;
  serial: number;
  /** Body length declared in bits 0-9 of the body properties. */
  bodyLength: number;
  /** Encryption bits 10-12 of the body properties (0 = none, 1 = RSA). */
  encryption: number;
  subpackage?: Subpackage;
  /** Set when bit 14 claimed 2019 but only the 2013 layout made the length add up. */
  versionFlagWith2013Header?: true;
}

/** One frame after unescaping and check-code verification, before the body is decoded. */
export interface Frame {
  header: Header;
  /** Body bytes (a view into `content`). */
  body: Buffer;
  /** Unescaped header + body + check code, without the 0x7e flags: what is stored as evidence. */
  content: Buffer;
  /**
   * Set only by a lenient decode (`allowShortBody`) when fewer body bytes arrived than the header
   * declares; `body` then contains the bytes present.
   */
  truncatedBody?: { declared: number; present: number };
}

/** GBK text codec injected by the caller; the package itself has no runtime dependencies. */
export interface TextCodec {
  decode(bytes: Uint8Array): string;
  encode(text: string): Buffer;
}

export interface AdditionalItem {
  id: number;
  /** Value bytes after unescaping. */
  raw: Buffer;
}

export interface Position {
  /** Alarm DWORD; see `alarmFlags()` for named flags. */
  alarm: number;
  /** Status DWORD; see `statusFlags()` for named flags. */
  status: number;
  /** Degrees, negative when status bit 2 (south) is set. */
  latitude: number;
  /** Degrees, negative when status bit 3 (west) is set. */
  longitude: number;
  altitudeM: number;
  speedKmh: number;
  course: number;
  /** Device time: BCD Beijing time (UTC+8) converted to a UTC instant; null when the BCD time is invalid. */
  time: Date | null;
  /** Raw BCD time as 12 digits, kept for evidence and for the invalid case. */
  timeBcd: string;
  /** Status bit 1. */
  fixed: boolean;
  /** Status bit 0. */
  acc: boolean;
  /** Complete additional-information items in frame order. */
  items: AdditionalItem[];
  /** Set when the last item declares more bytes than remain in the location block. */
  truncatedItem?: { id: number; declared: number; present: number };
}

export interface GeneralResponse {
  replySerial: number;
  replyId: number;
  /** 0 success, 1 failure, 2 message error, 3 not supported, 4 alarm confirmation (0x8001 only). */
  result: number;
}

export interface Registration {
  layout: BodyEdition;
  provinceId: number;
  cityId: number;
  manufacturerId: string;
  terminalModel: string;
  terminalId: string;
  plateColor: number;
  /** Plate number, or the VIN when plateColor is 0. */
  plate: string;
}

export interface RegistrationResponse {
  replySerial: number;
  /** 0 success, 1 vehicle already registered, 2 vehicle not in database, 3 terminal already registered, 4 terminal not in database. */
  result: number;
  /** Present only when result is 0. */
  authCode?: string;
}

export interface Authentication {
  authCode: string;
  /** 2019 layout only. */
  imei?: string;
  /** 2019 layout only. */
  softwareVersion?: string;
}

export interface TerminalParameter {
  id: number;
  value: Buffer;
}

export interface ParameterQueryResponse {
  replySerial: number;
  parameters: TerminalParameter[];
}

export interface TerminalAttributes {
  terminalType: number;
  manufacturerId: string;
  terminalModel: string;
  terminalId: string;
  iccid: string;
  hardwareVersion: string;
  firmwareVersion: string;
  gnssAttributes: number;
  commAttributes: number;
}

export interface LocationQueryResponse {
  replySerial: number;
  position: Position;
}

export interface DriverIdentity {
  /**
   * Body layout. The 2011 layout has no state or time: it is read as state 1 with readResult 0,
   * time null and timeBcd ''.
   */
  layout?: BodyEdition;
  /** 1 card inserted (on duty), 2 card removed (off duty). */
  state: number;
  time: Date | null;
  timeBcd: string;
  /** Card read result, present when state is 1: 0 success, 1-4 failures. */
  readResult?: number;
  driverName?: string;
  qualificationCode?: string;
  issuingAuthority?: string;
  /** Certificate expiry date as YYYYMMDD. */
  certificateExpiry?: string;
  /** Driver ID card number: 2019 and 2011 layouts only. */
  idCardNumber?: string;
}

export interface LocationBatch {
  /** 0 normal batch, 1 blind-area re-send. */
  type: number;
  /** Item count declared in the body. */
  count: number;
  positions: Position[];
  /** Set when an item declares more bytes than remain; the positions before it are kept. */
  truncatedItem?: { index: number; declared: number; present: number };
}

export interface TransparentData {
  type: number;
  data: Buffer;
}

export interface SetParameters {
  parameters: TerminalParameter[];
}

export interface TerminalControl {
  command: number;
  /** Command parameters as text (semicolon-separated per the standard), if any. */
  parameters?: string;
}

export interface TemporaryTracking {
  intervalS: number;
  validityS: number;
}

export interface ManualAlarmConfirmation {
  /** Serial of the alarm message being confirmed; 0 confirms every alarm of the given types. */
  alarmSerial: number;
  /** Alarm type bits being confirmed (emergency bit 0, danger warning 3, ...). */
  alarmType: number;
}

export interface TextMessage {
  flags: number;
  /** 2019 only: 1 notice, 2 service. */
  textType?: number;
  text: string;
}

export interface CircleArea {
  id: number;
  attributes: number;
  latitude: number;
  longitude: number;
  radiusM: number;
  startTime?: Date;
  endTime?: Date;
  maxSpeedKmh?: number;
  overspeedDurationS?: number;
  nightMaxSpeedKmh?: number;
  name?: string;
}

export interface SetCircleAreas {
  /** 0 update, 1 append, 2 modify. */
  action: number;
  areas: CircleArea[];
}

export interface RectangleArea {
  id: number;
  attributes: number;
  topLeft: { latitude: number; longitude: number };
  bottomRight: { latitude: number; longitude: number };
  startTime?: Date;
  endTime?: Date;
  maxSpeedKmh?: number;
  overspeedDurationS?: number;
  nightMaxSpeedKmh?: number;
  name?: string;
}

export interface SetRectangleAreas {
  action: number;
  areas: RectangleArea[];
}

export interface SetPolygonArea {
  id: number;
  attributes: number;
  startTime?: Date;
  endTime?: Date;
  maxSpeedKmh?: number;
  overspeedDurationS?: number;
  nightMaxSpeedKmh?: number;
  vertices: { latitude: number; longitude: number }[];
  name?: string;
}

export interface DeleteAreas {
  /** Area ids; an empty list deletes every area of that kind. */
  ids: number[];
}

export interface ResendRequest {
  originalSerial: number;
  /** 1-based package indexes to resend. */
  packageIds: number[];
}

/** Decoded message body keyed by message id. */
export type MessageBody =
  | { messageId: 0x0001; body: GeneralResponse }
  | { messageId: 0x0002; body: Record<string, never> }
  | { messageId: 0x0003; body: Record<string, never> }
  | { messageId: 0x0100; body: Registration }
  | { messageId: 0x0102; body: Authentication }
  | { messageId: 0x0104; body: ParameterQueryResponse }
  | { messageId: 0x0107; body: TerminalAttributes }
  | { messageId: 0x0200; body: Position }
  | { messageId: 0x0201; body: LocationQueryResponse }
  | { messageId: 0x0702; body: DriverIdentity }
  | { messageId: 0x0704; body: LocationBatch }
  | { messageId: 0x0900; body: TransparentData }
  | { messageId: 0x8001; body: GeneralResponse }
  | { messageId: 0x8003; body: ResendRequest }
  | { messageId: 0x8100; body: RegistrationResponse }
  | { messageId: 0x8103; body: SetParameters }
  | { messageId: 0x8104; body: Record<string, never> }
  | { messageId: 0x8105; body: TerminalControl }
  | { messageId: 0x8107; body: Record<string, never> }
  | { messageId: 0x8201; body: Record<string, never> }
  | { messageId: 0x8202; body: TemporaryTracking }
  | { messageId: 0x8203; body: ManualAlarmConfirmation }
  | { messageId: 0x8300; body: TextMessage }
  | { messageId: 0x8600; body: SetCircleAreas }
  | { messageId: 0x8601; body: DeleteAreas }
  | { messageId: 0x8602; body: SetRectangleAreas }
  | { messageId: 0x8603; body: DeleteAreas }
  | { messageId: 0x8604; body: SetPolygonArea }
  | { messageId: 0x8605; body: DeleteAreas };

/** A decoded message: its header and its typed body. */
export type Message = MessageBody & { header: Header };

/** What the encoder needs to build a header; bodyLength and subpackage are computed. */
export interface HeaderInit {
  edition: HeaderEdition;
  /** Defaults to 1 for 2019. */
  protocolVersion?: number;
  /** 12 digits (2013) or 20 digits (2019); shorter input is left-padded with zeros. */
  phone: string;
  serial: number;
  encryption?: number;
}
