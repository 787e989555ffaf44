/** Value lists of the registration form, as the prefecture's plan fixes them. */
export const vehicleTypes = ['轿车', '越野车', '商务车', '其他小型客车', '中型客车', '大型客车'] as const;
export type VehicleType = (typeof vehicleTypes)[number];

export const usageNatures = ['领导保障用车', '一般公务用车', '执法执勤用车'] as const;
export type UsageNature = (typeof usageNatures)[number];

export const vehicleStatuses = ['in_use', 'sealed', 'disposed'] as const;
export type VehicleStatus = (typeof vehicleStatuses)[number];

/** Unit categories that decide the rollout batch: the listed five are batch 2, `other` is batch 1. */
export const unitCategories = ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security', 'other'] as const;
export type UnitCategory = (typeof unitCategories)[number];
