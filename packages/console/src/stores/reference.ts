import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/http.ts';
import type { Unit } from '../api/types.ts';

/** Reference data that many pages read: the units in the user's scope, loaded once per session. */
export const useReference = defineStore('reference', () => {
  const units = ref<Unit[]>([]);
  let loading: Promise<Unit[]> | null = null;

  function loadUnits(): Promise<Unit[]> {
    loading ??= api.get<{ items: Unit[] }>('/api/units').then((result) => {
      units.value = result.items;
      return result.items;
    }).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  }

  function unitName(id: number | null | undefined): string {
    return units.value.find((unit) => unit.id === id)?.name ?? (id === null || id === undefined ? '' : `#${id}`);
  }

  function clear(): void {
    units.value = [];
    loading = null;
  }

  return { units, loadUnits, unitName, clear };
});
