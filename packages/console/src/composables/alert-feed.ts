import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { Alert, LiveMessage } from '../views/alerts/alert-types.ts';

// WebSocket close code the server sends when the session behind the socket ended (log-out, idle timeout).
const sessionEnded = 4401;
const maxRetryMs = 30_000;

/**
 * Listens on the live socket GET /api/ws while the component is mounted and calls `onAlert`
 * for every alert.created and alert.updated message. A dropped socket reconnects with a
 * growing delay up to 30 s; a socket closed because the session ended stays closed.
 */
export function useAlertFeed(onAlert: (type: 'alert.created' | 'alert.updated', alert: Alert) => void) {
  const connected = ref(false);
  let socket: WebSocket | null = null;
  let retryMs = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    socket.onopen = () => {
      retryMs = 1000;
    };
    socket.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') connected.value = true;
      if (message.type === 'alert.created' || message.type === 'alert.updated') onAlert(message.type, message.alert);
    };
    socket.onclose = (event) => {
      connected.value = false;
      socket = null;
      if (stopped || event.code === sessionEnded) return;
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
  }

  onMounted(connect);
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
    socket?.close(1000);
  });
  return { connected };
}
