/**
 * Simplified Chinese messages of the acceptance, bulletin and inspection pages and of the
 * dashboard's installation coverage. Merged into the console's messages in ../index.ts, and
 * en/rollout-results.ts has the same keys.
 */
export default {
  menu: { acceptance: '检查验收', bulletins: '安装通报', inspections: '专项巡检考核' },
  rolloutResults: {
    batch: '批次', noBatch: '尚未创建安装批次', refresh: '刷新', percent: '{value}%',
  },
  acceptance: {
    units: '本批次单位', state: '验收', accepted: '已验收', notAccepted: '未验收', acceptedAt: '已于 {time} 验收',
    pickUnit: '请在左侧选择单位，查看其验收清单',
    window: '“近期上线”“有效定位”“ACC 有开有关”统计最近 {days} 天的数据',
    noLetter: '该单位尚未出具函复文件。验收以函复文件中的应装车辆为准，出具函复后才能签署验收。',
    columns: {
      terminalBound: '终端已绑定', debuggingPassed: '调试通过', onlineInWindow: '近期上线', validFixes: '有效定位数',
      accChanged: 'ACC 有开有关', passed: '结果',
    },
    pass: '通过', fail: '未通过',
    summary: '应装 {total} 辆：通过 {passed} 辆，未通过 {failed} 辆',
    allPassed: '全部车辆通过验收清单，可以签署验收。',
    someFailed: '以下车辆未通过验收清单：{plates}。全部通过后才能签署验收。',
    empty: '函复文件中没有应装车辆',
    remarks: '验收意见', remarksRequired: '请填写 2 至 500 字的验收意见', sign: '签署验收',
    signed: '已签署 {unit} 的验收', confirmSign: '签署后记入审计日志，不能撤销。确定签署 {unit} 的验收？',
    checking: '正在计算验收清单…', readOnly: '您的角色只能查看验收清单，签署验收由地区机关事务管理局进行。',
  },
  bulletins: {
    preview: '预览通报', publish: '发布通报', published: '已发布的通报', previewTitle: '通报预览（按当前数据计算，尚未发布）',
    confirmPublish: '发布后，通报内容固定为当前数据的快照，并记入审计日志。确定发布？', publishedOk: '通报已发布：{title}',
    generatedAt: '生成时间 {time}', computing: '正在按当前数据计算各单位安装情况…', publishing: '正在计算并发布通报…',
    columns: {
      shouldEquip: '应装', installed: '已装', exempt: '暂不安装', missing: '未装', onlineRate: '在线率', accepted: '验收',
      overdue: '逾期阶段', dataSecurityTest: '数据安全测试',
    },
    test: { passed: '通过', failed: '未通过', none: '未测试' },
    title: '标题', kind: { installation: '安装情况通报', inspection: '专项巡检考核通报' },
    view: '查看', download: '下载 {format}', downloading: '正在生成 {format} 文件…', none: '尚未发布通报',
    readOnly: '您的角色只能查看和下载通报，发布由地区机关事务管理局进行。',
  },
  inspections: {
    run: '开展专项巡检考核', period: '考核期间', title: '通报标题', titleHint: '不填则按批次和考核期间自动生成',
    start: '评分并发布通报', running: '正在为各单位评分并生成通报…', done: '巡检考核通报已发布：{title}',
    periodRequired: '请选择考核期间', titleLength: '标题为 4 至 80 个字',
    weights: '评分权重：安装覆盖 {coverage}、在线率 {onlineRate}、疑似拆除或屏蔽 {tamperAlerts}、待单位处理告警 {unansweredAlerts}',
    columns: {
      rank: '排名', coverage: '安装覆盖率', onlineRate: '在线率', tamperAlerts: '疑似拆除或屏蔽', unansweredAlerts: '待单位处理告警',
      alertsInPeriod: '期间告警', score: '得分',
    },
    readOnly: '您的角色只能查看已发布的巡检考核通报，开展考核由地区机关事务管理局进行。',
  },
  dashboard: {
    awaitingPosition: '已绑定未定位', noTerminalCount: '未装终端', coverageTotal: '覆盖率 {rate}（{installed}/{should}）',
    coverageHint: '覆盖率 = 已绑定终端且上报过有效定位的在用车辆 ÷（在用车辆 − 已批准暂不安装的车辆）。在用车辆含封存车辆，不含报废车辆。',
  },
} as const;
