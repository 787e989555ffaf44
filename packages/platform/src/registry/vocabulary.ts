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

/** Official ranks from lowest to highest, as a vehicle's leader_rank records them. */
export const leaderRanks = ['科员', '副科级', '正科级', '副处级', '正处级', '副厅级', '正厅级', '副部级', '正部级', '副国级', '正国级'] as const;
export type LeaderRank = (typeof leaderRanks)[number];

/** Returns whether `rank` is `minimum` or higher; a rank outside the list never is. */
export function rankAtLeast(rank: string | null, minimum: string): boolean {
  const index = leaderRanks.indexOf(rank as LeaderRank);
  const floor = leaderRanks.indexOf(minimum as LeaderRank);
  return index >= 0 && floor >= 0 && index >= floor;
}
