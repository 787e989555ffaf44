import { ref } from 'vue';
import { api } from '../../api/http.ts';
import { showError } from '../../api/describe-error.ts';
import type { Batch, RolloutPhase } from '../../api/types.ts';

/** Shapes of the acceptance, bulletin and inspection responses (packages/platform/src/rollout/). */

export interface ChecklistItem {
  vehicleId: number;
  plate: string;
  terminalBound: boolean;
  debuggingPassed: boolean;
  onlineInWindow: boolean;
  validFixes: number;
  accChanged: boolean;
  passed: boolean;
}

export interface Checklist {
  unitId: number;
  batchId: number;
  windowDays: number;
  letterIssued: boolean;
  items: ChecklistItem[];
  passed: boolean;
}

export interface InstallationRow {
  unitId: number;
  unitName: string;
  shouldEquip: number;
  installed: number;
  accepted: boolean;
  exempt: number;
  missing: number;
  onlineRate: number | null;
  overduePhases: RolloutPhase[];
  dataSecurityTest: 'passed' | 'failed' | null;
}

export interface InspectionRow {
  unitId: number;
  unitName: string;
  coverage: number | null;
  onlineRate: number | null;
  tamperAlerts: number;
  unansweredAlerts: number;
  alertsInPeriod: number;
  score: number;
}

export type BulletinKind = 'installation' | 'inspection';

export interface BulletinSummary {
  id: number;
  kind: BulletinKind;
  batchId: number;
  title: string;
  generatedAt: string;
}

export interface Bulletin extends BulletinSummary {
  rows: InstallationRow[] | InspectionRow[];
}

/** Formats a share 0..1 as a whole percentage, or a dash when there is nothing to share. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

/** Loads the rollout batches once and selects the first. */
export function useBatches() {
  const batches = ref<Batch[]>([]);
  const batchId = ref<number | null>(null);
  const loaded = ref(false);

  async function load(): Promise<void> {
    try {
      batches.value = (await api.get<{ items: Batch[] }>('/api/rollout/batches')).items;
      batchId.value ??= batches.value[0]?.id ?? null;
    } catch (error) {
      showError(error);
    } finally {
      loaded.value = true;
    }
  }

  return { batches, batchId, loaded, load };
}

/** One unit's installation coverage over its whole fleet (GET /api/rollout/coverage). */
export interface CoverageRow {
  unitId: number;
  unitName: string;
  inService: number;
  exempt: number;
  shouldEquip: number;
  installed: number;
  awaitingPosition: number;
  noTerminal: number;
  rate: number | null;
}
