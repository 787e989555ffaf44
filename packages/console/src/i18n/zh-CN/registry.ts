/**
 * Simplified Chinese messages of the vehicles and terminals page (units, vehicles, terminals and
 * the registration form import). Merged into the console's messages in ../index.ts,
 * and en/registry.ts has the same keys.
 */
export default {
  menu: { registry: '车辆与终端' },
  registry: {
    tabs: { vehicles: '车辆（{count}）', terminals: '终端（{count}）', units: '单位（{count}）' },
    online: '在线', offline: '离线',
    status: { in_use: '在用', sealed: '封存', disposed: '已处置' },
    category: { discipline_inspection: '纪检监察', court: '法院', procuratorate: '检察院', justice: '司法行政', public_security: '公安', other: '其他党政机关和事业单位' },
    vehicle: {
      create: '新增车辆', edit: '编辑车辆 {plate}', brandModel: '品牌型号', type: '车辆类型', usageNature: '使用性质', leaderRank: '领导职级',
      status: '状态', remarks: '备注', terminal: '终端', withTerminal: '已装终端', withoutTerminal: '未装终端', noTerminal: '未绑定终端',
      matching: '共 {count} 辆', platePlaceholder: '如 新Q12345，可输入全角或小写，保存时自动规范',
    },
    terminal: {
      create: '登记终端', edit: '编辑终端 {phone}', editShort: '编辑终端', bind: '绑定终端', bindTitle: '为 {plate} 绑定终端',
      existing: '选择未绑定的终端', new: '登记新终端', phone: '终端手机号', phonePlaceholder: 'SIM 卡号，11 至 20 位数字',
      terminalId: '终端ID', legacyAuthCode: '原平台鉴权码', legacyAuthCodeHint: '只写不读：留空则保持原值', vehicle: '绑定车辆', unbound: '未绑定',
    },
    unit: {
      create: '新增单位', edit: '编辑单位 {name}', name: '单位名称', category: '单位类别', supervisor: '主管部门', level: '级别',
      organisationCode: '统一社会信用代码', address: '地址', vehicleQuota: '编制数', staffName: '专人', staffPhone: '专人电话',
    },
    unbind: {
      action: '解绑', title: '解绑终端',
      confirm: '确定将终端 {phone} 从车辆 {plate} 上解绑？解绑后该车辆计为未装终端，此后终端上报的定位不再归属于该车辆；终端仍保留在登记中，可再绑定到其他车辆。',
      done: '已解绑，{plate} 现为未装终端',
    },
    import: {
      open: '导入登记表', title: '导入车辆登记表',
      help: '登记表为 Excel（.xlsx，第一个工作表）或 CSV 文件，列：单位名称、品牌型号、车牌号、车辆类型、使用性质、备注、终端手机号（可选：单位类别、领导职级、终端ID、IMEI、ICCID）。尚未登记的单位会自动新建。任何一行有错则整个文件都不导入，并列出每个错误所在的行。',
      checked: '检查通过：可导入 {vehicles} 辆车及其终端，将新建 {units} 个单位 {names}',
      done: '已导入 {vehicles} 辆车及其终端，新建 {units} 个单位 {names}',
    },
    rules: {
      plate: '车牌号应为省份简称 + 城市字母 + 5 位（普通车牌，共 7 位），或新能源车牌 8 位；不含字母 I 和 O',
      phone: '终端手机号为 11 至 20 位数字', required: '必填', maxLength: '最多 {max} 个字', unit: '请选择单位',
      terminal: '请选择终端', imei: 'IMEI 为 15 位数字', iccid: 'ICCID 为 19 或 20 位数字或字母 A–F',
      contactPhone: '请输入 11 位手机号或带区号的固定电话，如 0998-2812345',
    },
    errors: {
      plateTaken: '车牌号 {value} 已登记（车牌号在全地区唯一），请核对车牌号，或在列表中查找该车辆',
      phoneTaken: '终端手机号 {value} 已登记为其他终端，请核对号码，或在“终端”页签中编辑已有终端',
      vehicleHasTerminal: '该车辆已绑定终端（手机号 {value}），请先解绑原终端再绑定新终端',
      unitTaken: '单位“{value}”已存在（单位名称不能重复），请在列表中查找该单位',
      organisationCodeTaken: '统一社会信用代码 {value} 已登记在其他单位名下，请核对代码',
    },
    importErrors: {
      missing: '必填，不能为空', tooLong: '超过 {max} 个字', notAllowed: '不在可选范围内，应为：{allowed}', invalidFormat: '格式不正确',
      repeated: '与第 {row} 行重复', plateTaken: '该车牌号已登记（车牌号在全地区唯一），请删去这一行或核对车牌号',
      phoneTaken: '该终端手机号已登记为其他终端，请核对号码', categoryDiffers: '同一新单位在第 {row} 行填写的单位类别与此不同',
      beyondHeader: '这一列在表头之外：含逗号的值须用英文双引号括起来，否则后面的值会错位；或在表头补上这一列的列名',
    },
  },
} as const;
