import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError } from '../api/http.ts';
import type { LoginResult, User } from '../api/types.ts';
import { can, type Capability } from '../access/grants.ts';

// Roles whose log-in needs TOTP by default (AuthSettings.totpRequiredRoles on the server). The
// server answers GONGCHE_ERR_TOTP_ENROLMENT_REQUIRED if it is configured for more roles, and the
// router then sends the user to enrolment all the same.
const totpRoles = new Set(['sys_admin', 'security_admin', 'auditor']);

/** The logged-in user and what they still must do before using the console. */
export const useSession = defineStore('session', () => {
  const user = ref<User | null>(null);
  const loaded = ref(false);
  const mustEnrolTotp = ref(false);

  const mustChangePassword = computed(() => user.value?.mustChangePassword ?? false);
  const role = computed(() => user.value?.role);

  /** Loads the user of the session cookie once; null when nobody is logged in. */
  async function load(): Promise<User | null> {
    if (loaded.value) return user.value;
    try {
      user.value = await api.get<User>('/api/auth/me');
      mustEnrolTotp.value = totpRoles.has(user.value.role) && !user.value.totpEnabled;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      user.value = null;
    }
    loaded.value = true;
    return user.value;
  }

  async function login(username: string, password: string, totpCode?: string): Promise<LoginResult> {
    const result = await api.post<LoginResult>('/api/auth/login', { username, password, ...(totpCode && { totpCode }) });
    user.value = { ...result.user, mustChangePassword: result.mustChangePassword || result.passwordExpired };
    mustEnrolTotp.value = result.mustEnrolTotp;
    loaded.value = true;
    return result;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    user.value = await api.post<User>('/api/auth/password', { currentPassword, newPassword });
  }

  function totpEnabled(updated: User): void {
    user.value = updated;
    mustEnrolTotp.value = false;
  }

  async function logout(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } finally {
      forget();
    }
  }

  /** Drops the user after the server ended the session. */
  function forget(): void {
    user.value = null;
    mustEnrolTotp.value = false;
    loaded.value = true;
  }

  const may = (capability: Capability) => can(role.value, capability);

  return { user, loaded, role, mustChangePassword, mustEnrolTotp, load, login, changePassword, totpEnabled, logout, forget, may };
});
