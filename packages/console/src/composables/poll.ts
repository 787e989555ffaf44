import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Calls `tick` now and then every `intervalMs` while the component is mounted, skipping ticks
 * while the tab is hidden or the previous call is still running.
 */
export function usePolling(tick: () => Promise<void>, intervalMs: number): { refresh: () => Promise<void> } {
  let timer: ReturnType<typeof setInterval> | undefined;
  let running = false;

  async function refresh(): Promise<void> {
    if (running) return;
    running = true;
    try {
      await tick();
    } finally {
      running = false;
    }
  }

  onMounted(() => {
    void refresh();
    timer = setInterval(() => {
      if (!document.hidden) void refresh();
    }, intervalMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return { refresh };
}
