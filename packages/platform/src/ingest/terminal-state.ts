import type { TrackState } from './assess.ts';

/** What ingest keeps in memory about one authenticated terminal. */
export interface TerminalState {
  id: number;
  phone: string;
  vehicleId: number | null;
  track: TrackState;
  /** The emergency alarm that is open or acknowledged and not yet cleared by the terminal, if any. */
  emergencyAlarmId: number | null;
}
