/**
 * Rule codes of the alerts, in the order of the negative list and then the device integrity
 * checks, as packages/platform/src/rules/rule-codes.ts lists them. Their names are i18n keys
 * alerts.rules.<code>; an alert also carries its rule's names from the server.
 */
export const ruleCodes = [
  'non_official_place',
  'holiday_use',
  'off_hours_parking',
  'private_errand',
  'lending',
  'route_deviation',
  'fixed_to_person',
  'long_distance',
  'custom',
  'device_power_cut',
  'device_antenna',
  'device_gnss_fault',
  'device_displacement',
  'device_fix_lost',
  'device_jump_after_silence',
  'device_swap',
  'device_never_online',
  'device_offline',
] as const;

export type RuleCode = (typeof ruleCodes)[number];

/** Element Plus tag type of each alert state and severity. */
export const stateTagType = { pending: 'warning', explained: 'primary', confirmed: 'danger', dismissed: 'info', rectified: 'success', withdrawn: 'info' } as const;
export const severityTagType = { low: 'info', medium: 'warning', high: 'danger' } as const;
