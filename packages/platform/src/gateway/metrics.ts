import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway; each gateway has its own registry so tests can run several. */
export function createGatewayMetrics() {
  const registry = new Registry();
  const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;
  const metrics = {
    registry,
    connections: new Gauge({ name: 'gongche_gateway_connections', help: 'Open TCP connections', registers: [registry] }),
    online: new Gauge({ name: 'gongche_gateway_terminals_online', help: 'Authenticated terminals', registers: [registry] }),
    frames: new Counter({ name: 'gongche_gateway_frames_total', help: 'Frames received, by message id', labelNames: ['message_id'], registers: [registry] }),
    decodeErrors: new Counter({ name: 'gongche_gateway_decode_errors_total', help: 'Frames rejected by the codec, by error code', labelNames: ['code'], registers: [registry] }),
    discardedBytes: new Counter({ name: 'gongche_gateway_discarded_bytes_total', help: 'Bytes dropped because they were not JT/T 808', registers: [registry] }),
    refusals: new Counter({ name: 'gongche_gateway_refusals_total', help: 'Refused registrations, authentications and closed connections, by reason', labelNames: ['reason'], registers: [registry] }),
    positionsStored: new Counter({ name: 'gongche_ingest_positions_stored_total', help: 'Positions committed to the store', registers: [registry] }),
    positionsInvalid: new Counter({ name: 'gongche_ingest_positions_invalid_total', help: 'Stored positions left out of tracks, by reason', labelNames: ['reason'], registers: [registry] }),
    duplicates: new Counter({ name: 'gongche_ingest_duplicates_total', help: 'Resent positions that were already stored', registers: [registry] }),
    ackLatency: new Histogram({
      name: 'gongche_gateway_ack_latency_seconds',
      help: 'Time from receiving a position frame to writing its 0x8001 acknowledgement',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commitDuration: new Histogram({
      name: 'gongche_ingest_commit_duration_seconds',
      help: 'Duration of one group commit',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    frame(messageId: number) {
      metrics.frames.inc({ message_id: hex(messageId) });
    },
  };
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
