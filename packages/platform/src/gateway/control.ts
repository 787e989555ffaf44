/** What the API may ask of the running gateway. */
export interface GatewayControl {
  /** Returns whether the terminal (by registry id) has an authenticated connection now. */
  isOnline(terminalId: number): boolean;
  /** Sends 0x8203 to confirm an emergency alarm; resolves when the terminal's 0x0001 answer arrives, rejects with a coded error when offline or timed out. */
  confirmAlarm(terminalId: number, alarmSerial: number, alarmType: number): Promise<void>;
}

/** Control used when no gateway runs in this process (API-only tests, CLI tools). */
export const noGateway: GatewayControl = {
  isOnline: () => false,
  confirmAlarm: async () => {
    throw Object.assign(new Error('No gateway is running in this process'), { code: 'GONGCHE_ERR_GATEWAY_UNAVAILABLE' });
  },
};
