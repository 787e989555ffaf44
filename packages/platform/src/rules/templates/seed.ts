import type { TemplateContent } from './content.ts';

export interface SeedTemplate {
  name: string;
  usageNature: string | null;
  description: string;
  content: TemplateContent;
}

/**
 * Templates every store starts with. The base template applies to every vehicle; the others
 * apply by usage nature on top of it. Each sets only what differs from the detectors' defaults.
 */
export const seedTemplates: readonly SeedTemplate[] = [
  {
    name: '基础模板',
    usageNature: null,
    description: '所有车辆的基础规则：负面清单第1-6、8、9项和设备完整性检测均启用，使用默认参数；第7项只对执法执勤用车启用。',
    content: { detectors: { fixed_to_person: { enabled: false } } },
  },
  {
    name: '领导保障用车',
    usageNature: '领导保障用车',
    description: '领导保障用车：沿用基础模板的全部规则。',
    content: {},
  },
  {
    name: '一般公务用车',
    usageNature: '一般公务用车',
    description: '一般公务用车：沿用基础模板的全部规则。',
    content: {},
  },
  {
    name: '执法执勤用车',
    usageNature: '执法执勤用车',
    description: '执法执勤用车：另启用第7项（挪用或固定给个人使用）；节假日在经批准的值班表上的车辆不计节假日用车。',
    content: { detectors: { fixed_to_person: { enabled: true } } },
  },
];
