import type { Role } from '../../api/types.ts';

/** Responses of /api/security (see /api/docs for the full schemas). */

export interface DataKey {
  id: number;
  algorithm: string;
  createdAt: string;
  state: 'active' | 'retired';
  retiredAt: string | null;
  /** Creation time plus the rotation period for the active key, null for retired keys. */
  rotationDueAt: string | null;
  masterFingerprint: string;
  masterKeyOpens: boolean;
}

export interface DataKeys {
  algorithm: string;
  dataKeyPeriodDays: number;
  masterKey: { fingerprint: string; source: string; besideDatabase: boolean };
  items: DataKey[];
}

export interface RotationResult {
  key: DataKey;
  previousKeyId: number | null;
}

export interface SecondFactorUser {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  totpEnabled: boolean;
  totpRequired: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
}

export interface SecurityOverview {
  passwordPolicy: { minLength: number; minCharacterClasses: number; mayEqualUsername: boolean; maxAgeDays: number };
  sessions: { idleTimeoutS: number; maxLifetimeS: number };
  lockout: { maxFailedLogins: number; lockoutS: number };
  loginRateLimit: { max: number; windowS: number };
  secondFactor: { requiredRoles: Role[]; digits: number; stepS: number; windowSteps: number };
  encryption: { algorithm: string; dataKeyPeriodDays: number };
  users: SecondFactorUser[];
}

/** Splits seconds into the largest whole unit (days, hours, minutes or seconds) for display. */
export function durationParts(seconds: number): { unit: 'days' | 'hours' | 'minutes' | 'seconds'; count: number } {
  if (seconds > 0 && seconds % 86_400 === 0) return { unit: 'days', count: seconds / 86_400 };
  if (seconds > 0 && seconds % 3600 === 0) return { unit: 'hours', count: seconds / 3600 };
  if (seconds > 0 && seconds % 60 === 0) return { unit: 'minutes', count: seconds / 60 };
  return { unit: 'seconds', count: seconds };
}
