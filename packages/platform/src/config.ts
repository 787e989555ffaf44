import path from 'node:path';

/** Runtime settings of one platform process, with their documented defaults. */
export interface Config {
  /** Folder of the SQLite database file and other state. */
  dataDir: string;
  httpHost: string;
  httpPort: number;
  jt808Host: string;
  jt808Port: number;
  /** SQLite synchronous mode: FULL survives power loss, NORMAL survives a killed process only. */
  sqliteSync: 'FULL' | 'NORMAL';
  gateway: GatewaySettings;
  ingest: IngestSettings;
  auth: AuthSettings;
}

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
  /** How long an incomplete subpackaged message waits before the gateway asks for the missing packages. */
  subpackageTimeoutS: number;
  /** Timeout of a platform command waiting for the terminal's response. */
  commandTimeoutS: number;
}

export interface IngestSettings {
  /** A group of reports is committed after this many milliseconds at most. */
  commitIntervalMs: number;
  /** A group is committed as soon as it holds this many reports. */
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
}

export const defaultAuthSettings: AuthSettings = {
  sessionIdleTimeoutS: 30 * 60,
  sessionMaxLifetimeS: 12 * 60 * 60,
  maxFailedLogins: 5,
  lockoutS: 15 * 60,
};

export const defaultGatewaySettings: GatewaySettings = {
  idleTimeoutS: 300,
  acceptLegacyAuthCodes: true,
  maxFrameBytes: 4096,
  maxBufferedBytes: 64 * 1024,
  maxFramesPerSecond: 200,
  maxDiscardedBytes: 4096,
  subpackageTimeoutS: 30,
  commandTimeoutS: 30,
};

export const defaultIngestSettings: IngestSettings = {
  commitIntervalMs: 2,
  commitMaxReports: 500,
  maxPlausibleSpeedKmh: 250,
  maxFutureSkewS: 600,
};

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return {
    // npm runs workspace scripts inside the package folder; INIT_CWD is where the user typed the command.
    dataDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.GONGCHE_DATA_DIR ?? 'data'),
    httpHost: process.env.GONGCHE_HTTP_HOST ?? '127.0.0.1',
    httpPort: Number(process.env.GONGCHE_HTTP_PORT ?? 8080),
    jt808Host: process.env.GONGCHE_JT808_HOST ?? '0.0.0.0',
    jt808Port: Number(process.env.GONGCHE_JT808_PORT ?? 6808),
    sqliteSync: process.env.GONGCHE_SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL',
    gateway: { ...defaultGatewaySettings },
    ingest: { ...defaultIngestSettings },
    auth: { ...defaultAuthSettings },
    ...overrides,
  };
}
