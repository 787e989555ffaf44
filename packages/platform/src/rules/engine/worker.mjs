// Entry of the rules engine worker thread. A worker does not inherit the tsx loader registered by
// bin/gongche.mjs, so register it here first.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
