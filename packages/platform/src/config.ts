import path from 'node:path';
import type { Role } from './security/users.ts';

/** Runtime settings of one platform process, with their documented defaults. */
export interface Config {
  /** Folder of the SQLite database file and other state. */
  dataDir: string;
  httpHost: string;
  httpPort: number;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are
   * trusted (Fastify's trustProxy), e.g. "127.0.0.1" for a TLS proxy on the same host. With it,
   * session cookies get the Secure flag and the log-in rate limit counts the real client.
   */
  trustProxy: string | null;
  jt808Host: string;
  jt808Port: number;
  /** SQLite synchronous mode: FULL survives power loss, NORMAL survives a killed process only. */
  sqliteSync: 'FULL' | 'NORMAL';
  gateway: GatewaySettings;
  ingest: IngestSettings;
  auth: AuthSettings;
  retention: RetentionSettings;
  leadershipVehicles: LeadershipVehicleSettings;
  encryption: EncryptionSettings;
}

/** Encryption at rest of positions and raw frames. */
export interface EncryptionSettings {
  /** Algorithm of new data keys: SM4-CTR with HMAC-SM3, or AES-256-GCM. */
  algorithm: 'sm4-ctr-hmac-sm3' | 'aes-256-gcm';
  /** A new data key is created for new data once the active one is this old. */
  dataKeyPeriodDays: number;
  /**
   * File holding the master key (64 hex digits). GONGCHE_MASTER_KEY, the key itself, takes
   * precedence. When neither is set, `serve` uses master.key in the data folder, creating it.
   */
  masterKeyFile: string | null;
}

export const defaultEncryptionSettings: EncryptionSettings = {
  algorithm: 'sm4-ctr-hmac-sm3',
  dataKeyPeriodDays: 30,
  masterKeyFile: null,
};

export interface GatewaySettings {
  /** A connection that sends nothing for this long is closed and the terminal marked offline. */
  idleTimeoutS: number;
  /** Accept a 0x0102 auth code that a terminal brings from a previous platform when it is recorded as its legacy code. */
  acceptLegacyAuthCodes: boolean;
  /** Largest escaped frame accepted, in bytes. */
  maxFrameBytes: number;
  /** Bytes buffered for one connection without a complete frame before it is closed. */
  maxBufferedBytes: number;
  /** Frames per second one connection may send (averaged over 10 s) before it is closed. */
  maxFramesPerSecond: number;
  /** Non-JT/T 808 bytes tolerated from one connection before it is closed. */
  maxDiscardedBytes: number;
  /**
   * Non-JT/T 808 bytes tolerated before a connection's first frame. A terminal's modem may send a
   * few bytes of noise on connect, but an HTTP request or a probe is longer, and is closed at once.
   */
  maxDiscardedBeforeFirstFrame: number;
  /** How long an incomplete subpackaged message waits before the gateway requests the missing packages. */
  subpackageTimeoutS: number;
  /** Timeout of a platform command waiting for the terminal's response. */
  commandTimeoutS: number;
  /** Unacknowledged reports above which a connection stops reading until half of them are committed. */
  maxUnacknowledgedReports: number;
  /** Send 0x8107 after each authentication, so that the 0x0107 response reveals a changed terminal id or SIM card (ICCID). */
  queryAttributesOnAuth: boolean;
}

export interface IngestSettings {
  /** A group of reports is committed after this many milliseconds at most. */
  commitIntervalMs: number;
  /** A group is committed as soon as it contains this many reports. */
  commitMaxReports: number;
  /** Speeds above this (km/h) between two fixes mark the later fix as an impossible jump. */
  maxPlausibleSpeedKmh: number;
  /** Device times further than this into the future (relative to receipt) are rejected as invalid. */
  maxFutureSkewS: number;
}

export interface AuthSettings {
  /** A log-in session unused for this long expires. */
  sessionIdleTimeoutS: number;
  /** A log-in session expires this long after log-in, however busy. */
  sessionMaxLifetimeS: number;
  /** Consecutive wrong passwords that lock an account. */
  maxFailedLogins: number;
  /** How long a locked account stays locked. */
  lockoutS: number;
  /** A password older than this many days must be changed at the next log-in; 0 turns expiry off. */
  passwordMaxAgeDays: number;
  /** Roles that must enrol a TOTP second factor before they may use anything but the enrolment routes. */
  totpRequiredRoles: readonly Role[];
  /** Log-in attempts (POST /api/auth/login) one client IP address may make per window before getting 429. */
  loginRateLimitMax: number;
  /** Length of the log-in rate-limit window, in seconds. */
  loginRateLimitWindowS: number;
}

/** A group of users who see leadership vehicles live: every user of `role`, or only those of `role` in `unitId`. */
export interface LeadershipViewerRule {
  role: Role;
  unitId?: number;
}

/**
 * Access to the positions of leadership vehicles (领导保障用车). Live viewers must state a reason
 * for each read, which is recorded in the audit log; every other user who may read positions
 * sees them only after a delay, or not at all.
 */
export interface LeadershipVehicleSettings {
  /** Users who match any rule see the positions live. */
  liveViewers: readonly LeadershipViewerRule[];
  /**
   * Seconds by which other users' view lags: positions newer than now minus this are withheld.
   * null withholds every position of a leadership vehicle from them; 0 shows them live, turning the protection off.
   */
  othersDelayS: number | null;
  /** Minimum length, in characters, of the reason a live viewer must state. */
  minReasonLength: number;
}

export const defaultAuthSettings: AuthSettings = {
  sessionIdleTimeoutS: 30 * 60,
  sessionMaxLifetimeS: 12 * 60 * 60,
  maxFailedLogins: 5,
  lockoutS: 15 * 60,
  passwordMaxAgeDays: 90,
  totpRequiredRoles: ['sys_admin', 'security_admin', 'auditor'],
  loginRateLimitMax: 20,
  loginRateLimitWindowS: 60,
};

export const defaultLeadershipVehicleSettings: LeadershipVehicleSettings = {
  liveViewers: [{ role: 'bureau_admin' }],
  othersDelayS: 30 * 60,
  minReasonLength: 4,
};

/** How long stored data is kept; see docs/security.md (保留期限 / Retention). */
export interface RetentionSettings {
  /**
   * Positions older than this (by receipt time) are purged, except those inside an open or
   * acknowledged emergency alarm's span and those in the evidence range of a pending, explained or confirmed alert.
   */
  positionsRetentionDays: number;
  /** Raw terminal frames older than this are purged once no kept position refers to them and no pending, explained or confirmed alert names them. */
  rawFramesRetentionDays: number;
  /** Minimum age before audit entries may ever leave the store; at least 180 (网络安全法: six months). The platform currently purges no audit entries. */
  auditRetentionDays: number;
}

/** The Cybersecurity Law's minimum for network logs: six months. */
export const minAuditRetentionDays = 180;

export const defaultRetentionSettings: RetentionSettings = {
  positionsRetentionDays: 365,
  rawFramesRetentionDays: 365,
  auditRetentionDays: 3 * 365,
};

export const defaultGatewaySettings: GatewaySettings = {
  idleTimeoutS: 300,
  acceptLegacyAuthCodes: true,
  maxFrameBytes: 4096,
  maxBufferedBytes: 64 * 1024,
  maxFramesPerSecond: 200,
  maxDiscardedBytes: 4096,
  maxDiscardedBeforeFirstFrame: 64,
  subpackageTimeoutS: 30,
  commandTimeoutS: 30,
  maxUnacknowledgedReports: 2000,
  queryAttributesOnAuth: true,
};

export const defaultIngestSettings: IngestSettings = {
  commitIntervalMs: 2,
  commitMaxReports: 500,
  maxPlausibleSpeedKmh: 250,
  maxFutureSkewS: 600,
};

function encryptionAlgorithm(): EncryptionSettings['algorithm'] {
  const value = process.env.GONGCHE_ENCRYPTION_ALGORITHM;
  if (value === undefined || value === '') return defaultEncryptionSettings.algorithm;
  if (value !== 'sm4-ctr-hmac-sm3' && value !== 'aes-256-gcm') throw new Error(`GONGCHE_ENCRYPTION_ALGORITHM must be sm4-ctr-hmac-sm3 or aes-256-gcm, got "${value}"`);
  return value;
}

function envPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number from 0 to 65535, got "${value}"`);
  return port;
}

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return {
    // npm runs workspace scripts inside the package folder; INIT_CWD is where the user typed the command.
    dataDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.GONGCHE_DATA_DIR ?? 'data'),
    httpHost: process.env.GONGCHE_HTTP_HOST ?? '127.0.0.1',
    httpPort: envPort('GONGCHE_HTTP_PORT', 8080),
    trustProxy: process.env.GONGCHE_TRUST_PROXY || null,
    jt808Host: process.env.GONGCHE_JT808_HOST ?? '0.0.0.0',
    jt808Port: envPort('GONGCHE_JT808_PORT', 6808),
    sqliteSync: process.env.GONGCHE_SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL',
    gateway: { ...defaultGatewaySettings },
    ingest: { ...defaultIngestSettings },
    auth: { ...defaultAuthSettings },
    retention: { ...defaultRetentionSettings },
    leadershipVehicles: { ...defaultLeadershipVehicleSettings },
    encryption: { ...defaultEncryptionSettings, masterKeyFile: process.env.GONGCHE_MASTER_KEY_FILE || null, algorithm: encryptionAlgorithm() },
    ...overrides,
  };
}
