/** Fixed texts of the registration form (附件1) and the exemption application (附件2), as the prefecture's plan prints them. */
export const registrationTitle = '喀什地区党政机关事业单位公务用车安装智能终端设备登记表';
export const exemptionTitle = '喀什地区党政机关事业单位公务用车暂不安装智能终端设备审批表';
export const sectionBasic = '一、基本情况';
export const sectionCounts = '二、公务用车编制数及实有数';
export const sectionInstall = '三、安装智能终端设备公务用车明细（若表格不够，可附页）';
export const sectionExempt = '四、暂不安装智能终端设备公务用车明细（若表格不够，可附页）';
/** In 附件2 the exempt list is section three. */
export const sectionExemptOnly = '三、暂不安装智能终端设备公务用车明细（若表格不够，可附页）';
export const installHeaders = ['序号', '品牌型号', '车牌号', '车辆类型', '使用性质', '备注'];
export const exemptHeaders = ['序号', '品牌型号', '车牌号', '车辆类型', '使用性质', '暂不安装原因', '备注'];
export const preliminaryLabel = '主管部门初审意见：';
export const bureauLabel = '地区机关事务管理局审核意见：';
export const secrecyLabel = '地区保密局会审意见：';
export const fillingNotes = [
  '填表说明：1.品牌型号填写车辆中文名称，如：大众帕萨特、丰田普拉多等；',
  '2.车辆类型填写：轿车、越野车、商务车、其他小型客车、中型客车、大型客车等；',
  '3.使用性质填写：领导保障用车、一般公务用车、执法执勤用车。',
];

/** Formats a YYYY-MM-DD date as 2022年5月10日, or the blank form's 2022年 月 日 when there is none. */
export function formDate(date: string | null): string {
  if (!date) return '    年  月  日';
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

export interface OpinionText {
  label: string;
  text: string;
  seal: string;
  date: string;
}

const decisionText: Record<string, string> = { approve: '同意', reject: '不同意', return: '退回修改' };

/** Formats a review opinion for the form's opinion boxes. */
export function opinionText(label: string, review: { decision: string; comment: string; sealText: string; at: string } | undefined): OpinionText {
  if (!review) return { label, text: '', seal: '（单位印章）', date: '    年  月  日' };
  return { label, text: `${decisionText[review.decision] ?? review.decision}。${review.comment}`, seal: review.sealText, date: formDate(new Date(Date.parse(review.at) + 8 * 3600_000).toISOString().slice(0, 10)) };
}
