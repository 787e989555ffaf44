import type zhCN from '../zh-CN/security.ts';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** English messages of the security administrator's page, with the same keys as zh-CN/security.ts. */
const en: Widen<typeof zhCN> = {
  menu: { security: 'Security' },
  security: {
    keys: {
      title: 'Data keys', rotate: 'Rotate now', algorithm: 'Algorithm of new keys', period: 'Rotation period', periodDays: '{days} days',
      masterKey: 'Master key fingerprint', masterSource: 'Master key source', besideDatabase: 'The master key lies in the same folder as the database, so a copy of that folder decrypts everything. In production keep the key on another volume and set GONGCHE_MASTER_KEY_FILE.',
      id: 'Id', created: 'Created', state: 'State', active: 'Active', retired: 'Retired', retiredAt: 'Retired at', due: 'Rotation due',
      overdue: 'Overdue: rotated at the next write', opens: 'Master key opens it', opensYes: 'Yes', opensNo: 'Does not open',
      notOpened: 'The current master key does not open {count} data key(s), so the data they sealed cannot be read. Restart the platform with the master key that wrapped them.',
      none: 'No data keys yet: the platform creates one when it first seals data.',
      confirmRotate: 'After rotation, new positions, raw frames and second-factor secrets are sealed under a new data key. The current key is retired but still opens what it sealed, so existing data stays readable. The rotation is recorded in the audit log. Rotate now?',
      rotated: 'Created data key {id}; key {previous} is retired',
      rotatedFirst: 'Created data key {id}',
    },
    factors: {
      title: 'Two-factor authentication', username: 'User name', displayName: 'Name', role: 'Role', totp: 'Two-factor', enabled: 'Enabled', notEnabled: 'Not enabled',
      pending: 'Not yet enabled (required)', accountDisabled: 'Disabled', lockedUntil: 'Locked until {time}', lastLogin: 'Last log-in', never: 'Never', reset: 'Reset',
      resetTitle: 'Reset two-factor authentication',
      confirmReset: 'Resetting deletes the two-factor secret of {name} and ends all of their sessions at once. They must link an authenticator app again after their next log-in before they can continue. The reset is recorded in the audit log. Reset?',
      resetDone: 'Two-factor authentication of {name} reset',
      self: 'You',
    },
    settings: {
      title: 'Security settings in force', password: 'Password policy',
      passwordRule: 'At least {length} characters with at least {classes} of lower case, upper case, digits and symbols', notUsername: 'Must not be the user name',
      maxAge: 'Password lifetime', maxAgeDays: '{days} days, then it must be changed at log-in', noExpiry: 'Passwords do not expire',
      sessionIdle: 'Session idle timeout', sessionMax: 'Session maximum lifetime', lockout: 'Log-in lockout', lockoutRule: 'Locked for {duration} after {count} failures in a row',
      rateLimit: 'Log-in rate limit', rateLimitRule: 'At most {max} per IP address every {window}',
      totpRoles: 'Roles that must use two-factor authentication', totpParameters: 'Code parameters', totpRule: 'TOTP (RFC 6238), {digits} digits, a new code every {step} s, {window} step(s) of clock drift accepted either way',
      encryption: 'Encryption at rest', keyPeriod: 'Data key rotation period',
    },
    algorithms: { 'sm4-ctr-hmac-sm3': 'SM4-CTR + HMAC-SM3 (Chinese national standards)', 'aes-256-gcm': 'AES-256-GCM' },
    duration: { seconds: '{count} s', minutes: '{count} min', hours: '{count} h', days: '{count} days' },
  },
  errors: {
    GONGCHE_ERR_MASTER_KEY_MISMATCH: 'The master key is not the one that wrapped the data keys; contact the security administrator',
    GONGCHE_ERR_KEY_UNKNOWN: 'The data key of this data does not exist; contact the security administrator',
  },
};

export default en;
