/**
 * National and census-specific code lists. Every coded field in the dictionary points at one of
 * these by id; labels are what the UI, Excel templates and reports show, aliases are what people
 * actually write in township spreadsheets (used by the importers' normaliser and the grid's search).
 */
export interface CodeItem {
  readonly code: string;
  readonly label: string;
  readonly aliases?: readonly string[];
}

function list(items: ReadonlyArray<readonly [string, string, ...string[]]>): readonly CodeItem[] {
  return items.map(([code, label, ...aliases]) => (aliases.length ? { code, label, aliases } : { code, label }));
}

export const ethnicNames = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族',
  '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族', '水族',
  '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族',
  '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族',
  '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
] as const;

export const codeLists = {
  /** 证件类型 */
  idType: list([
    ['01', '居民身份证', '身份证', '二代身份证'],
    ['02', '港澳台居民居住证', '居住证'],
    ['03', '护照'],
    ['99', '其他证件', '其他'],
  ]),
  /** GB/T 2261.1 */
  sex: list([
    ['1', '男', '男性', 'M'],
    ['2', '女', '女性', 'F'],
  ]),
  /** GB 3304: 56 groups in the standard's order, then 97 and 98. Bare names ("汉") are aliases. */
  ethnicity: list([
    ...ethnicNames.map((name, i): [string, string, string] => [String(i + 1).padStart(2, '0'), name, name.replace(/族$/, '')]),
    ['97', '其他', '其他民族', '未识别民族'],
    ['98', '外国血统中国籍人士', '外国血统'],
  ]),
  /** GB/T 4762 */
  political: list([
    ['01', '中共党员', '中国共产党党员', '党员', '共产党员'],
    ['02', '中共预备党员', '中国共产党预备党员', '预备党员'],
    ['03', '共青团员', '中国共产主义青年团团员', '团员'],
    ['04', '民革党员', '中国国民党革命委员会会员', '民革会员', '民革'],
    ['05', '民盟盟员', '中国民主同盟盟员', '民盟'],
    ['06', '民建会员', '中国民主建国会会员', '民建'],
    ['07', '民进会员', '中国民主促进会会员', '民进'],
    ['08', '农工党党员', '中国农工民主党党员', '农工党', '农工民主党'],
    ['09', '致公党党员', '中国致公党党员', '致公党'],
    ['10', '九三学社社员', '九三学社'],
    ['11', '台盟盟员', '台湾民主自治同盟盟员', '台盟'],
    ['12', '无党派人士', '无党派民主人士', '无党派'],
    ['13', '群众', '普通居民', '无', '普通群众'],
  ]),
  /** GB/T 4658, top level */
  education: list([
    ['10', '研究生', '研究生教育', '博士', '博士研究生', '硕士', '硕士研究生', '研究生学历', '博士研究生学历', '硕士研究生学历'],
    ['20', '大学本科', '本科', '大本', '大学', '本科学历', '大学本科学历', '大学本科教育', '函授本科', '自考本科', '成人本科', '网络本科', '在职本科'],
    ['30', '大学专科', '大专', '专科', '高职', '大专学历', '专科学历', '大学专科教育', '函授大专', '自考大专', '成人大专', '网络大专', '高职高专'],
    ['40', '中等职业教育', '中专', '中职', '职高', '技校', '中技', '中等专业学校', '中等职业学校', '职业中专', '技工学校', '职业高中', '中专学历', '中师'],
    ['60', '普通高级中学', '高中', '普高', '普通高中', '普通高级中学教育', '高中学历'],
    ['70', '初级中学', '初中', '初中学历', '初级中学教育', '初中及以下'],
    ['80', '小学', '小学学历', '小学教育'],
    ['90', '其他', '其他学历'],
  ]),
  /** 专业类别: social work, the related majors named by the census, other */
  majorCategory: list([
    ['10', '社会工作', '社工', '社会工作专业'],
    ['21', '社会学'],
    ['22', '心理学'],
    ['23', '社会保障'],
    ['24', '社区管理'],
    ['25', '青少年工作'],
    ['26', '司法矫治'],
    ['27', '民政管理'],
    ['90', '其他专业', '其他'],
  ]),
  /** 职业资格等级 */
  qualLevel: list([
    ['0', '无', '未取得', '无证', '否', '未持证', '暂无', '没有'],
    ['1', '助理社会工作师', '初级', '初级社工师', '助理社工师', '初级社会工作师', '助理', '助理社工'],
    ['2', '社会工作师', '中级', '中级社工师', '社工师', '中级社会工作师'],
    ['3', '高级社会工作师', '高级', '高级社工师'],
  ]),
  /** 城乡 */
  urbanRural: list([
    ['1', '城镇', '城市', '城', '城区', '镇区'],
    ['2', '乡村', '农村', '乡', '村'],
  ]),
  /** 岗位类别 */
  postCategory: list([
    ['1', '管理岗位', '管理', '管理岗'],
    ['2', '专业技术岗位', '专业技术', '专技', '专技岗'],
    ['3', '工勤技能岗位', '工勤技能', '工勤', '工勤岗'],
    ['9', '未分类', '其他'],
  ]),
  /** 职称级别 */
  titleLevel: list([
    ['0', '无', '无职称'],
    ['1', '初级', '员级', '助理级', '初级职称'],
    ['2', '中级', '中级职称'],
    ['3', '副高级', '副高', '副高职称', '副高级职称'],
    ['4', '正高级', '正高', '正高职称', '正高级职称'],
  ]),
  /** 用工形式 */
  employmentForm: list([
    ['1', '在编', '编制内', '事业编', '行政编', '事业编制', '行政编制', '参公编制', '在编在岗'],
    ['2', '合同', '合同制', '劳动合同', '聘用', '编外', '编外聘用', '临聘', '临时聘用', '合同聘用', '聘用制'],
    ['3', '派遣', '劳务派遣'],
    ['4', '购买服务', '政府购买服务'],
    ['5', '兼职'],
    ['9', '其他', '公益性岗位', '公益岗'],
  ]),
  /** 服务领域: the 18 domains in the 2026 opinion's order, then 其他 */
  domain: list([
    ['01', '社区治理'],
    ['02', '乡村治理'],
    ['03', '信访工作', '信访'],
    ['04', '新就业群体服务', '新就业群体'],
    ['05', '职工帮扶'],
    ['06', '青少年事务', '青少年'],
    ['07', '教育辅导'],
    ['08', '基层文化活动组织', '文化活动'],
    ['09', '戒毒康复', '禁毒', '禁毒戒毒', '禁毒社工', '戒毒'],
    ['10', '社会救助', '救助'],
    ['11', '老龄和养老服务', '养老服务', '养老', '老龄', '为老服务', '老年人服务'],
    ['12', '儿童福利', '儿童'],
    ['13', '慈善事业', '慈善'],
    ['14', '婚姻家庭'],
    ['15', '社区矫正', '矫正'],
    ['16', '就业服务', '就业'],
    ['17', '卫生健康', '医务社工', '医疗卫生'],
    ['18', '残疾人服务', '残疾人', '助残', '残障康复', '残障服务', '残疾人康复'],
    ['99', '其他', '其他领域'],
  ]),
  /** 单位类型 */
  unitType: list([
    ['1', '党政机关', '机关', '行政机关', '乡镇政府', '乡镇人民政府', '街道办事处', '街道办', '政府机关'],
    ['2', '事业单位', '事业'],
    ['3', '群团组织', '群团', '人民团体'],
    ['4', '社工机构', '社会工作服务机构', '社工服务机构', '民办社工机构'],
    ['5', '其他社会组织', '社会组织', '社会团体', '民办非企业单位', '基金会', '社会服务机构', '民非'],
    ['6', '企业', '公司'],
    ['7', '社区（居委会）', '社区', '居委会', '社区居委会', '社区(居委会)'],
    ['8', '村委会', '村', '村民委员会'],
    ['9', '其他', '其他单位'],
  ]),
  /** 是 / 否 for boolean fields, so the importers and templates treat them like any coded field */
  yesNo: list([
    ['1', '是', 'Y', 'y', 'yes', '√', 'TRUE', 'true', '有'],
    ['0', '否', 'N', 'n', 'no', '×', 'FALSE', 'false', '无'],
  ]),
  /**
   * 变动情况 against the last census (a census started from the last one). One column carries both the
   * status and its reason, so a township return needs a single 变动情况 column: 2x are joiners (新增),
   * 3x leavers (离开, kept in the file outside every count), 00 a carried person not yet confirmed.
   */
  change: list([
    ['00', '待确认', '未确认'],
    ['10', '留任', '在岗', '继续留任', '无变化', '未变动', '不变'],
    ['21', '新增（新入职）', '新入职', '新进', '新招聘', '新增-新入职'],
    ['22', '新增（调入）', '调入', '新增-调入', '外地调入'],
    ['29', '新增（其他）', '新增-其他', '其他新增'],
    ['31', '离开（调出本地区）', '调出本地区', '调出', '调离', '离开-调出本地区'],
    ['32', '离开（离职）', '离职', '辞职', '辞退', '离开-离职'],
    ['33', '离开（退休）', '退休', '离开-退休'],
    ['34', '离开（死亡）', '死亡', '去世', '病故', '离开-死亡'],
    ['39', '离开（其他）', '离开-其他', '其他离开'],
  ]),
  /** 统计层级 */
  level: list([
    ['county', '区县', '县', '区', '县级'],
    ['city', '市州', '市', '地市', '市级'],
    ['province', '省', '省级', '自治区', '直辖市'],
  ]),
} as const satisfies Record<string, readonly CodeItem[]>;

export type CodeListId = keyof typeof codeLists;

/**
 * Answers that span several codes of a list (高中及以下 may be 普通高中, 中专, 初中 or 小学). They are
 * never mapped to one code, here or by a clerk's value mapping: validation flags them with the reason,
 * so the clerk asks the township which code applies.
 */
export const spanTerms: Partial<Record<CodeListId, Readonly<Record<string, string>>>> = {
  education: {
    高中及以下: '可能是普通高中、中等职业教育、初中或小学',
    中专及以下: '可能是中等职业教育、初中或小学',
    大专及以上: '可能是大学专科、大学本科或研究生',
    本科及以上: '可能是大学本科或研究生',
    高中以上: '可能是中专、大专、本科或研究生',
    本科在读: '在读不是已取得的学历，应填已毕业的最高学历',
    专科在读: '在读不是已取得的学历，应填已毕业的最高学历',
    大专在读: '在读不是已取得的学历，应填已毕业的最高学历',
    研究生在读: '在读不是已取得的学历，应填已毕业的最高学历',
  },
  qualLevel: {
    持证: '没有说明是助理社会工作师、社会工作师还是高级社会工作师',
    有证: '没有说明是助理社会工作师、社会工作师还是高级社会工作师',
    已取得: '没有说明是助理社会工作师、社会工作师还是高级社会工作师',
  },
  titleLevel: {
    有职称: '没有说明是初级、中级、副高级还是正高级',
    中级及以上: '可能是中级、副高级或正高级',
    副高及以上: '可能是副高级或正高级',
  },
  employmentForm: {
    编外人员: '可能是合同、派遣或购买服务',
  },
  change: {
    新增: '没有说明是新入职、调入还是其他原因新增',
    离开: '没有说明是调出本地区、离职、退休、死亡还是其他原因离开',
    减少: '没有说明是调出本地区、离职、退休、死亡还是其他原因离开',
  },
};

const byCode = new Map<CodeListId, Map<string, CodeItem>>();
function index(id: CodeListId): Map<string, CodeItem> {
  let m = byCode.get(id);
  if (!m) {
    m = new Map(codeLists[id].map((item) => [item.code, item]));
    byCode.set(id, m);
  }
  return m;
}

export function codeItem(id: CodeListId, code: string): CodeItem | undefined {
  return index(id).get(code);
}

export function isValidCode(id: CodeListId, code: string): boolean {
  return index(id).has(code);
}

export function codeLabel(id: CodeListId, code: string | null | undefined): string {
  if (code == null || code === '') return '';
  return index(id).get(code)?.label ?? code;
}

/** Codes of a list in their official order. */
export function codesOf(id: CodeListId): string[] {
  return codeLists[id].map((c) => c.code);
}
