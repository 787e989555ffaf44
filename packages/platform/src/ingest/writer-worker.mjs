// Entry of the ingest worker thread. The platform's modules are TypeScript, and a worker does
// not inherit the tsx loader registered by bin/gongche.mjs, so register it here first.
import { register } from 'tsx/esm/api';

register();
await import('./writer-worker.ts');
