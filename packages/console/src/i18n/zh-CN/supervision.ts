/**
 * Simplified Chinese messages of the use-supervision pages: alerts, places, trip orders, drivers,
 * duty rosters, the holiday calendar and rule settings. Merged into the console's messages in
 * ../index.ts; en/supervision.ts has the same keys.
 */
export default {
  menu: { alerts: '告警核查', alert: '告警详情', places: '场所管理', orders: '派车单', drivers: '驾驶员', duty: '值班备勤', calendar: '节假日历', rules: '规则设置', trips: '行程核验' },
  alerts: {
    rule: '规则', severity: '严重程度', span: '时间段', found: '发现时间', late: '补传数据', lateAll: '全部数据', lateOnly: '仅补传', lateNone: '不含补传',
    lateTag: '补传', lateExplained: '此告警根据终端补传（盲区）数据发现，发现时间晚于发生时间', item: '第{item}项', device: '设备完整性',
    new: '新', newAlert: '新告警', feedOn: '实时推送已连接', feedOff: '实时推送未连接', backToList: '返回列表', factsTitle: '判定依据',
    states: { pending: '待说明', explained: '已说明', confirmed: '认定违规', dismissed: '已排除', rectified: '已整改' },
    severities: { low: '低', medium: '中', high: '高' },
    units: { hoursMinutes: '{hours} 小时 {minutes} 分', minutesSeconds: '{minutes} 分 {seconds} 秒' },
    rules: {
      non_official_place: '停放于娱乐场所、宾馆、饭店、景区等', holiday_use: '节假日违规使用', off_hours_parking: '未在指定停车场所停放',
      private_errand: '公车私用', lending: '出租出借或借用车辆', route_deviation: '公务途中绕道办私事', fixed_to_person: '固定给个人使用',
      long_distance: '无正当理由长途出行', custom: '其他（自定义规则）', device_power_cut: '终端主电源断开', device_antenna: 'GNSS 天线断开或短路',
      device_gnss_fault: 'GNSS 模块故障', device_displacement: '车辆非法位移', device_fix_lost: '点火时长时间无定位',
      device_jump_after_silence: '中断后位置不合理跳变', device_swap: '终端或 SIM 卡被更换', device_never_online: '安装后从未上线', device_offline: '工作日长时间离线',
    },
    facts: {
      durationS: '持续时长', fixCount: '定位点数', spreadM: '定位离散范围', minDwellS: '停留判定阈值', placeName: '场所', placeCategory: '场所类别',
      outsideM: '距场所边界', officialPlaceName: '附近公务场所', officialOutsideM: '距公务场所边界', dayType: '日期类型', calendarMissing: '节假日历缺失',
      orderId: '派车单', distanceM: '行驶里程', maxDistanceFromHomeM: '距驻地最远', tripVerdict: '行程核验结论', kind: '类型', date: '日期',
      holidayName: '节假日', tripCountThatDay: '当日行程数', distanceThatDayM: '当日里程', tripCount: '行程数', periodDays: '统计天数',
      localTime: '当地时间', phone: 'SIM 卡号', nightWindow: '夜间时段', distanceAllTripsM: '总里程', workingDays: '工作日数', waitedS: '已等待',
      validFixCount: '有效定位数', unseen: '未见', unregisteredCards: '未登记驾驶员卡', tripStarts: '出车时间', topSpeedKmh: '最高速度',
      shortestRouteM: '最短路线', restInNightS: '夜间停放时长', restDays: '停放天数', rejectedFixCount: '剔除的定位点', registeredCardCount: '登记驾驶员卡数',
      registered: '已登记', recoveredAt: '恢复时间', radiusM: '半径', otherUnitId: '其他单位', orderDestinations: '派车单目的地', offlineWorkingS: '工作时间离线',
      offlineS: '离线时长', offHoursRestS: '非工作时间停放', notFixedCount: '未定位点数', nights: '夜数', nightCount: '夜数', night: '夜间',
      nearestDestinationM: '距最近目的地', minRestS: '停放判定阈值', minOfflineWorkingS: '离线判定阈值', minNights: '夜数阈值', maxSpeedKmh: '最高速度',
      maxDetourRatio: '绕行比阈值', lostFixCount: '丢失定位点数', lossS: '无定位时长', leftBoundary: '驶出地区边界', lastSeenAt: '最后在线',
      lastRemoteAddress: '最后连接地址', lastFixBeforeAt: '中断前最后定位', installedAt: '安装时间', installSource: '安装记录来源', impliedSpeedKmh: '推算速度',
      graceS: '宽限时间', excessM: '超出距离', ended: '已结束', endReason: '结束原因', elapsedS: '已持续', driverCards: '驾驶员卡', detourRatio: '绕行比',
      destinationsVisited: '已到达目的地', destinationCount: '目的地数', dates: '日期', clusterRadiusM: '聚集半径', cleared: '已解除', alarmBits: '报警位',
      accBeforeSilence: '中断前 ACC', accAtStart: '开始时 ACC', accAfterSilence: '中断后 ACC', fixedAtStart: '开始时已定位', speedKmhAtStart: '开始时速度',
      spanS: '跨度', silenceS: '中断时长', workOrderId: '安装工单',
    },
    vocabulary: {
      dayType: { workday: '工作日', weekend: '周末', holiday: '法定节假日', unknown: '未知（节假日历缺失）' },
      placeCategory: {
        designated_parking: '指定停车场', government_office: '党政机关办公场所', entertainment: '娱乐场所', hotel: '宾馆酒店', restaurant: '饭店餐馆',
        scenic_spot: '旅游景区', school: '学校', residential: '居民小区', wedding_funeral: '婚丧场所', other_unit_parking: '其他单位停车场',
        prefecture_boundary: '地区边界', custom: '自定义',
      },
      tripVerdict: {
        covered: '有派车单', no_order: '无派车单（非调度用车）', outside_window: '超出派车单时间', off_destinations: '偏离派车单目的地',
        wrong_driver: '驾驶员不符', out_of_area_unapproved: '未经批准出区',
      },
    },
    map: {
      title: '证据地图', finding: '判定位置', stop: '停留 {from} – {to}（{minutes} 分钟）', contextUnavailable: '前后轨迹无法加载', reload: '重新加载',
      legendTrack: '证据轨迹', legendContext: '前后 30 分钟轨迹', legendStop: '停留点', legendInvalid: '无效定位',
      access: { delayed: '领导保障用车：您只能查看延时位置，证据中较新的定位点和报文已隐藏。说明理由后可实时查看。', none: '您无权查看此车辆的位置，证据中的定位点和报文已隐藏。', live: '' },
    },
    timeline: {
      title: '时间线', start: '告警开始', end: '告警结束', place: '匹配场所', order: '派车单 #{id}', noOrder: '该时段无已批准的派车单',
      orderNotNamed: '未关联派车单', otherOrder: '时段内另有派车单 #{id}', trip: '行程 #{id}', leftBoundary: '驶出地区边界', driverCards: '驾驶员卡',
      positions: '定位点 {count} 个', truncated: '（已截断）', fix: '定位', fixed: '已定位', notFixed: '未定位', invalid: '无效',
      frames: '原始报文 {count} 条', framesWithheld: '（{count} 条因权限未显示）', frameMissing: '报文已按保留期限删除',
    },
    review: {
      title: '核查处理', step: '状态变化', actor: '处理人', text: '说明', attachment: '附件', attachments: '附件', chooseFile: '选择文件',
      fileRule: 'PDF、JPG、PNG 或 DOCX，不超过 10 MB', fileType: '附件只能是 PDF、JPG、PNG 或 DOCX 文件', fileSize: '附件不能超过 10 MB',
      textTooLong: '不能超过 {max} 个字', waitingUnit: '等待车辆所属单位说明情况', waitingBureau: '等待机关事务管理局认定', waitingRectify: '等待单位整改',
      closed: '核查已结束',
      actions: { explain: '说明情况', confirm: '认定违规', dismiss: '排除', rectify: '报告整改' },
      hints: {
        explain: '请说明车辆当时的用途，可上传派车单、会议通知等证明材料。说明提交后由机关事务管理局认定。',
        confirm: '认定此告警为违规行为。认定后由车辆所属单位报告整改情况。',
        dismiss: '排除此告警（不构成违规），必须填写理由。',
        rectify: '请说明整改措施，可上传整改报告。',
      },
      textLabel: { explain: '情况说明', confirm: '认定意见（可选）', dismiss: '排除理由', rectify: '整改情况' },
      textRequired: { explain: '请填写情况说明', confirm: '', dismiss: '请填写排除理由', rectify: '请填写整改情况' },
      done: { explain: '情况说明已提交', confirm: '已认定为违规', dismiss: '告警已排除', rectify: '整改情况已提交' },
    },
  },
  orders: {
    statuses: { pending: '待审批', approved: '已批准', rejected: '已驳回', cancelled: '已取消' },
    outOfArea: '出区', holidayUse: '节假日用车', destinations: '目的地',
  },
  calendar: {
    bannerTitle: '{year} 年节假日安排缺失', bannerAction: '录入或导入',
  },
  errors: {
    GONGCHE_ERR_ALERT_PENDING: '告警尚待单位说明，不能执行此操作',
    GONGCHE_ERR_ALERT_EXPLAINED: '告警已由单位说明，不能再次说明',
    GONGCHE_ERR_ALERT_CONFIRMED: '告警已认定为违规，不能再执行此操作',
    GONGCHE_ERR_ALERT_DISMISSED: '告警已排除，不能再执行此操作',
    GONGCHE_ERR_ALERT_RECTIFIED: '告警已整改完毕，不能再执行此操作',
    GONGCHE_ERR_ATTACHMENT_TOO_LARGE: '附件过大（最大 10 MB）',
    GONGCHE_ERR_ATTACHMENT_TYPE: '附件类型不支持或与文件内容不符（PDF、JPG、PNG、DOCX）',
    GONGCHE_ERR_ATTACHMENT_LIMIT: '此告警的附件已达上限（20 个）',
    GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE: '上传格式不正确',
    GONGCHE_ERR_BAD_REQUEST: '请求格式不正确',
  },
} as const;
