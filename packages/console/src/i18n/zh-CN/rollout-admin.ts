/**
 * Simplified Chinese messages of the bureau's rollout pages: installation batches, manual batch
 * assignments, reply letters and work order creation. Merged into the console's messages in ../index.ts,
 * and en/rollout-admin.ts has the same keys.
 */
export default {
  menu: { batches: '安装批次', workOrder: '工单详情' },
  batches: {
    create: '新建批次', edit: '编辑批次', number: '批次号', name: '名称', scope: '范围', deadlines: '截止日期', progress: '进度',
    view: '查看', selected: '第 {number} 批 · {name}', empty: '尚未创建安装批次。请点击“新建批次”，按实施方案填写批次号、名称、范围和各阶段截止日期。',
    created: '批次已创建', saved: '批次已保存', doneOf: '完成 {done}/{total}', overdueCount: '逾期 {count}',
    unitMode: { exclude: '全部单位，除以下类别', include: '仅以下类别的单位', none: '不按单位类别' },
    unitCategories: '单位类别', leadership: '领导保障用车', leadershipHint: '把各单位该级别及以上领导的领导保障用车划入本批次', minRank: '最低级别',
    category: { discipline_inspection: '纪检监察', court: '法院', procuratorate: '检察院', justice: '司法行政', public_security: '公安', other: '其他党政机关和事业单位' },
    scopeSummary: { exclude: '除{categories}外的全部单位', include: '{categories}', all: '全部单位', leadership: '{rank}及以上领导保障用车' },
    scopeNothing: '不含任何单位或车辆',
    numberRequired: '批次号为 1 至 99 的整数', numberTaken: '批次号 {number} 已被“{name}”使用', nameRequired: '名称为 2 至 60 个字',
    categoriesRequired: '请至少选择一个单位类别', scopeRequired: '请选择单位类别或领导保障用车，否则批次不含任何车辆',
    deadlineOrder: '截止日期应不早于上一阶段（{phase}，{date}）', deadlineKept: '已设的截止日期只能修改，不能清除',
    tabs: { units: '各单位进度', scope: '范围' },
    form: '登记表', letter: '函复', workOrders: '工单', noForm: '未填报', vehicles: '{count} 辆', scopeUnits: '{units} 个单位，{vehicles} 辆车',
    unitVehicles: '车辆',
  },
  overrides: {
    assign: '调整批次', title: '手工调整批次', tag: '手工调整', heading: '手工调整批次',
    intro: '以下单位和车辆不按批次范围划分，而是由管理局手工调入所列批次；撤销后重新按批次范围划分。',
    empty: '暂无手工调整。在“各单位进度”或“范围”页签点击“调整批次”，可把单位或车辆调入其他批次。',
    objectType: { unit: '单位', vehicle: '车辆' }, object: '对象', unitNamed: '单位：{unit}', vehicleOf: '车辆：{plate}（{unit}）',
    explain: {
      unit: '保存后，该单位离开按批次范围划入的批次，连同其车辆改入所选批次；符合领导保障用车范围或已单独调整的车辆除外。',
      vehicle: '保存后，该车辆离开按批次范围划入的批次，改入所选批次，不再随所属单位或领导保障用车范围划分。',
    },
    replaces: '已手工调入第 {number} 批（原因：{reason}），保存后替换原调整。',
    batch: '调入批次', batchPlaceholder: '选择批次', currentBatch: '第 {number} 批 · {name}（当前批次）', batchRequired: '请选择调入的批次',
    noOtherBatch: '没有其他批次可调入，请先新建批次。',
    reason: '调整原因', reasonPlaceholder: '如：该单位车辆已随第二批统一安装', reasonLength: '请填写调整原因，{min} 至 {max} 个字',
    saved: '批次已调整', createdBy: '操作人', remove: '撤销',
    confirmRemove: '撤销“{object}”调入第 {number} 批的手工调整？撤销后重新按批次范围划分批次。', removed: '已撤销“{object}”的手工调整',
  },
  letters: {
    issue: '生成函复', confirmIssue: '为 {unit} 生成函复文件？生成后登记表锁定，不能再修改，文号按年度顺序编排。', issued: '函复已生成：{number}',
    download: '下载', pdf: 'PDF', docx: 'Word', waiting: '待审核完成', number: '文号',
  },
  orderCreation: {
    create: '生成安装工单', title: '生成安装工单：{unit}', plannedDate: '计划安装日期', plannedRequired: '请选择计划安装日期',
    intro: '按函复的应装清单，为每辆尚未绑定终端、尚无工单的车辆生成一张工单。',
    result: '已生成 {created} 张工单', alreadyInstalled: '{count} 辆车已绑定终端，不需要安装工单：{plates}',
    alreadyOrdered: '{count} 辆车已有工单，未重复生成', list: '本单位的工单', summary: '待安装 {open} · 已完成 {completed}',
    installedCount: '已装终端 {count} 辆',
  },
  errors: {
    GONGCHE_ERR_BATCH_EXISTS: '批次号 {value} 已被使用，请换一个批次号，或编辑已有的批次',
    GONGCHE_ERR_VEHICLE_HAS_TERMINAL: '该车辆已绑定终端（SIM 卡号 {value}），不能再绑定新终端。请联系机关事务管理局在“车辆与终端”页面先解绑原终端；如原终端仍在车上且工作正常，则无需再装。',
    GONGCHE_ERR_TERMINAL_BOUND_ELSEWHERE: 'SIM 卡号 {value} 已绑定在其他车辆上。请核对是否抄错；如确需移装，请联系机关事务管理局先解绑。',
  },
} as const;
