import { z } from 'zod';
import { parseSettingsWith } from './settings.ts';
import type { SweepCheck } from './sweep-check.ts';

const code = 'device_swap';
const schema = z.object({}).strict();

/** The swap check, which has no settings: a template can only switch it on or off. */
export const swapCheck: SweepCheck<Record<string, never>> = {
  code,
  defaults: {},
  parseSettings: (input) => parseSettingsWith(code, schema, input) as Record<string, never>,
};
