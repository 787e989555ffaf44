/** What the gateway keeps in memory about one authenticated terminal. */
export interface TerminalState {
  id: number;
  phone: string;
  vehicleId: number | null;
}
