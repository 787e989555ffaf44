/**
 * Stable codes of every rule, with the names users see. Codes are stored in alerts and
 * templates and never change; names may.
 */
export const ruleCatalogue = {
  non_official_place: { item: 1, zh: '违规停放于娱乐场所、宾馆、饭店、景区等非公务场所', en: 'Parked at an entertainment venue, hotel, restaurant or scenic spot' },
  holiday_use: { item: 2, zh: '节假日违规使用应封存车辆', en: 'Used on a holiday or weekend without approval' },
  off_hours_parking: { item: 3, zh: '未在单位指定停车场所停放', en: 'Rested outside the unit\'s designated parking' },
  private_errand: { item: 4, zh: '公车私用（接送子女、家属通勤、婚丧嫁娶、探亲访友等）', en: 'Private errand (school run, family commute, wedding or funeral, visit)' },
  lending: { item: 5, zh: '出租出借公车或借用下属单位及他人车辆', en: 'Vehicle lent out or used by another unit' },
  route_deviation: { item: 6, zh: '执行公务途中绕道办私事', en: 'Detour from an official trip for private matters' },
  fixed_to_person: { item: 7, zh: '挪用或固定给个人使用执法执勤、机要通信车辆', en: 'Duty vehicle fixed to one person' },
  long_distance: { item: 8, zh: '无正当理由公车长途出行', en: 'Long-distance trip without approval' },
  custom: { item: 9, zh: '其他违反公务用车管理规定的行为', en: 'Other breach (custom rule)' },
  device_power_cut: { item: null, zh: '终端主电源断开', en: 'Terminal main power cut' },
  device_antenna: { item: null, zh: 'GNSS 天线断开或短路', en: 'GNSS antenna cut or short-circuited' },
  device_gnss_fault: { item: null, zh: 'GNSS 模块故障', en: 'GNSS module fault' },
  device_displacement: { item: null, zh: '车辆非法位移', en: 'Illegal displacement' },
  device_fix_lost: { item: null, zh: '发动机运行时长时间无定位', en: 'Long loss of position with the engine running' },
  device_jump_after_silence: { item: null, zh: '中断后车辆出现在不合理的远处', en: 'Vehicle implausibly far away after a silence' },
  device_swap: { item: null, zh: '终端或 SIM 卡被更换', en: 'Terminal or SIM card swapped' },
  device_never_online: { item: null, zh: '终端安装后从未上线', en: 'Terminal never online after installation' },
  device_offline: { item: null, zh: '工作日终端长时间离线', en: 'Terminal offline too long on a working day' },
} as const;

export type RuleCode = keyof typeof ruleCatalogue;
export const ruleCodes = Object.keys(ruleCatalogue) as RuleCode[];
