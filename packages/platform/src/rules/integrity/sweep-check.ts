import type { Detector } from '../engine/types.ts';

/**
 * An integrity check that the periodic sweep runs over the registry rather than over the
 * position stream. It has settings like a detector, so that templates can validate and override
 * them, but no state and no update function.
 */
export type SweepCheck<Settings> = Pick<Detector<unknown, Settings>, 'code' | 'defaults' | 'parseSettings'>;
