/**
 * Deterministic synthetic census for `headcount demo`, benchmarks and tests.
 *
 * Same options → byte-identical output on every machine: one seeded sfc32 stream drives every
 * choice, and only exactly-rounded arithmetic is used (no Math.exp/log/pow, whose last bits may
 * differ between engines). The data is built to be clean under every validation rule, so a fresh
 * demo shows zero errors and zero warnings; distributions follow what county offices report
 * (mostly female, mostly 大专/本科, about 45% certificate holders, about 30% party members).
 */
import { creditCheckChar, idCheckChar, PROVINCE_PREFIXES } from './checks';
import type { RecordData } from './schema';

export interface DemoTownship {
  code: string;
  name: string;
  countyCode: string;
  /** Prefixed to unit names when two townships of the census share a name (two 城关镇 in one city). */
  countyName?: string;
}

export interface DemoOptions {
  /** The census area (6-digit county code, or city/province code). */
  areaCode: string;
  /** Real townships inside the area, given by the caller. */
  townships: DemoTownship[];
  persons: number;
  units: number;
  seed: number | string;
  /** YYYY-MM-DD */
  refDate: string;
}

export interface DemoRecord {
  id: string;
  data: RecordData;
}

export interface DemoCensus {
  units: DemoRecord[];
  persons: DemoRecord[];
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** cyrb128: spreads a short seed string over 128 bits of sfc32 state. */
function hash128(s: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    [this.a, this.b, this.c, this.d] = hash128(seed);
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** sfc32 */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** lo … hi inclusive */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /**
   * Version-4-shaped UUID from 122 random bits: a collision among a few million ids is less likely
   * than a hardware fault, so there is no uniqueness set (it would cost a quarter of the run).
   */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    return (
      hex4(a >>> 16) + hex4(a & 0xffff) + '-' + hex4(b >>> 16) + '-4' + HEX1[(b >>> 8) & 15]! + HEX2[b & 255]! + '-' +
      '89ab'[c >>> 30]! + HEX1[(c >>> 24) & 15]! + HEX2[(c >>> 16) & 255]! + '-' + hex4(c & 0xffff) + hex4(d >>> 16) +
      hex4(d & 0xffff)
    );
  }
}

// Lookup tables: String(n).padStart() and toString(16) dominate the run time otherwise.
const HEX1 = '0123456789abcdef';
const HEX2 = Array.from({ length: 256 }, (_, i) => HEX1[i >>> 4]! + HEX1[i & 15]!);
const DIGITS2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DIGITS4 = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

function hex4(x: number): string {
  return HEX2[x >>> 8]! + HEX2[x & 255]!;
}

interface Weighted<T> {
  values: readonly T[];
  cum: Float64Array;
  total: number;
}

function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  const cum = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, w], i) => {
    total += w;
    cum[i] = total;
  });
  return { values: entries.map(([v]) => v), cum, total };
}

function draw<T>(rng: Rng, w: Weighted<T>): T {
  const x = rng.next() * w.total;
  let lo = 0;
  let hi = w.cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (w.cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return w.values[lo]!;
}

// ---------------------------------------------------------------------------------------------
// Tables

/** Unit role: the unit type, or 'S' for a township's social-work station (its type varies). */
type Role = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'S';
type Kind = 'street' | 'town' | 'rural';

const UNIT_TYPES: Record<Kind, Weighted<Role>> = {
  street: weighted([['7', 50], ['4', 12], ['2', 12], ['1', 8], ['3', 5], ['5', 6], ['6', 4], ['9', 3]]),
  town: weighted([['8', 35], ['7', 18], ['2', 13], ['1', 9], ['4', 7], ['3', 5], ['5', 6], ['6', 4], ['9', 3]]),
  rural: weighted([['8', 60], ['7', 3], ['2', 11], ['1', 9], ['4', 4], ['3', 5], ['5', 4], ['6', 2], ['9', 2]]),
};
const STATION_TYPE = weighted<string>([['4', 55], ['2', 35], ['1', 10]]);

/** `{t}` = full township name; each name is used once per township. [template, focus domain, kinds] */
type Fixed = readonly [string, string, ...Kind[]];
const FIXED_NAMES: Partial<Record<Role, readonly Fixed[]>> = {
  '1': [
    ['{t}办事处', '01', 'street'], ['中共{t}工作委员会', '01', 'street'], ['{t}人民政府', '02', 'town', 'rural'],
    ['中共{t}委员会', '02', 'town', 'rural'], ['{t}司法所', '15'], ['{t}社会事务办公室', '10'], ['{t}信访办公室', '03'],
    ['{t}社会治安综合治理中心', '03'], ['{t}党建工作办公室', '01'], ['{t}平安建设办公室', '03'], ['{t}劳动保障所', '16'],
    ['{t}社区建设办公室', '01', 'street'], ['{t}农业农村办公室', '02', 'town', 'rural'], ['{t}民政办公室', '10'],
  ],
  '2': [
    ['{t}社会事务服务中心', '10'], ['{t}党群服务中心', '01'], ['{t}便民服务中心', '01'], ['{t}综合文化站', '08'],
    ['{t}退役军人服务站', '10'], ['{t}敬老院', '11', 'town', 'rural'], ['{t}卫生院', '17', 'town', 'rural'],
    ['{t}社区卫生服务中心', '17', 'street'], ['{t}中心学校', '07', 'town', 'rural'], ['{t}养老服务中心', '11'],
    ['{t}未成年人保护工作站', '12'], ['{t}残疾人康复服务中心', '18'], ['{t}就业和社会保障服务中心', '16'],
    ['{t}农业综合服务中心', '02', 'town', 'rural'], ['{t}成人文化技术学校', '07'], ['{t}综合行政执法队', '01'],
  ],
  '3': [
    ['{t}妇女联合会', '14'], ['{t}总工会', '05'], ['共青团{t}委员会', '06'], ['{t}残疾人联合会', '18'],
    ['{t}红十字会', '17'], ['{t}关心下一代工作委员会', '06'], ['{t}科学技术协会', '08'], ['{t}归国华侨联合会', '99'],
  ],
  '5': [
    ['{t}慈善会', '13'], ['{t}老年人协会', '11'], ['{t}志愿者协会', '08'], ['{t}社会组织联合会', '01'],
    ['{t}乡贤理事会', '02', 'town', 'rural'], ['{t}红白理事会', '02', 'town', 'rural'], ['{t}邻里互助会', '01', 'street'],
  ],
  '9': [
    ['{t}新时代文明实践所', '08'], ['{t}网格化服务管理中心', '01'], ['{t}矛盾纠纷多元化解中心', '03'], ['{t}儿童之家', '12'],
    ['{t}老年食堂', '11'], ['{t}妇女之家', '14'], ['{t}职工之家', '05'], ['{t}新就业形态劳动者服务站', '04'],
  ],
};

const ORG_WORDS = [
  '阳光', '启航', '同心', '仁爱', '馨和', '众善', '善行', '恒爱', '心桥', '乐群', '益友', '春晖', '暖阳', '爱心', '同行',
  '博爱', '睿德', '悦心', '向善', '汇爱', '和美', '安康', '福寿', '康乐', '聚贤', '明德', '守望', '携手', '惠民', '民安',
  '致远', '星火', '朝晖', '怡和', '润心', '德善', '益家', '常青', '晨曦', '立德',
] as const;
const SW_ORG_SUFFIXES = ['社会工作服务中心', '社会工作事务所', '社会工作发展中心', '社工服务社'] as const;
const NGO_SUFFIXES = [
  ['公益服务中心', '13'], ['养老服务中心', '11'], ['助残服务中心', '18'], ['家庭服务中心', '14'], ['青少年服务中心', '06'],
  ['志愿服务协会', '08'],
] as const;
const COMPANY_SUFFIXES = [
  ['物业服务有限公司', '01'], ['养老服务有限公司', '11'], ['家政服务有限公司', '14'], ['健康管理有限公司', '17'],
  ['人力资源服务有限公司', '16'], ['教育咨询有限公司', '07'],
] as const;
const COMMUNITY_A = [
  '东风', '和平', '建设', '幸福', '花园', '新华', '人民', '友谊', '光明', '朝阳', '文化', '解放', '胜利', '团结', '向阳',
  '红星', '长安', '锦绣', '民主', '春晖', '翠苑', '丽景', '滨河', '金桥', '银杏', '桂花', '梧桐', '南湖', '北苑', '西城',
  '东城', '中山', '迎宾', '育才', '兴隆', '振兴', '和谐', '康乐', '惠民', '青年',
] as const;
const COMMUNITY_B = ['', '路', '里', '苑', '园', '街', '新村', '花园', '家园', '小区'] as const;
const VILLAGE_SURNAMES = [
  '张', '李', '王', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗',
] as const;
const VILLAGE_SURNAME_SUFFIXES = ['家庄', '家湾', '家村', '庄', '营', '家坝', '家沟', '家岭', '家寨', '家楼', '家洼', '家铺'] as const;
const VILLAGE_WORDS = [
  '大河', '石桥', '柳树', '杨柳', '青山', '黄土', '白马', '双河', '三合', '五里', '清水', '龙泉', '桃园', '梨园', '松林',
  '枣林', '红岩', '新民', '先锋', '永丰', '丰收', '金鸡', '凤凰', '杏花', '马鞍', '太平', '长岭', '高坪', '沙坝', '水口',
] as const;
const VILLAGE_WORD_SUFFIXES = ['', '坪', '湾', '沟', '口', '岭'] as const;

const ALL_DOMAINS = [
  '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18',
] as const;
/** Domains a unit of this role typically serves besides its focus. */
const DOMAIN_POOLS: Record<Role, readonly string[]> = {
  S: ['11', '10', '12', '06', '18', '14', '01', '02', '16'],
  '1': ['03', '15', '10', '01', '16', '02'],
  '2': ['11', '17', '10', '12', '07', '16', '18', '08'],
  '3': ['05', '06', '14', '18', '04', '12'],
  '4': ALL_DOMAINS,
  '5': ['13', '11', '06', '18', '08', '14'],
  '6': ['11', '04', '16', '17', '05', '01'],
  '7': ['11', '10', '12', '06', '18', '08', '14', '04', '01', '15'],
  '8': ['11', '10', '12', '08', '16', '02', '18'],
  '9': ['01', '08', '03', '12', '11', '99'],
};
const DOMAIN_COUNT = weighted([[1, 40], [2, 35], [3, 25]]);

const POST_CATEGORY: Record<Role, Weighted<string>> = {
  S: weighted([['1', 20], ['2', 70], ['3', 5], ['9', 5]]),
  '1': weighted([['1', 55], ['2', 25], ['3', 10], ['9', 10]]),
  '2': weighted([['1', 30], ['2', 50], ['3', 15], ['9', 5]]),
  '3': weighted([['1', 50], ['2', 30], ['3', 5], ['9', 15]]),
  '4': weighted([['1', 20], ['2', 70], ['3', 5], ['9', 5]]),
  '5': weighted([['1', 30], ['2', 40], ['3', 5], ['9', 25]]),
  '6': weighted([['1', 25], ['2', 45], ['3', 25], ['9', 5]]),
  '7': weighted([['1', 45], ['2', 25], ['3', 5], ['9', 25]]),
  '8': weighted([['1', 40], ['2', 15], ['3', 5], ['9', 40]]),
  '9': weighted([['1', 30], ['2', 30], ['3', 10], ['9', 30]]),
};
const EMPLOYMENT: Record<Role, Weighted<string>> = {
  S: weighted([['4', 55], ['2', 30], ['5', 10], ['1', 5]]),
  '1': weighted([['1', 65], ['2', 15], ['3', 8], ['4', 7], ['5', 5]]),
  '2': weighted([['1', 55], ['2', 25], ['3', 12], ['4', 8]]),
  '3': weighted([['1', 45], ['2', 30], ['5', 20], ['9', 5]]),
  '4': weighted([['2', 85], ['5', 10], ['9', 5]]),
  '5': weighted([['2', 55], ['5', 35], ['9', 10]]),
  '6': weighted([['2', 88], ['3', 10], ['5', 2]]),
  '7': weighted([['2', 40], ['4', 25], ['1', 8], ['5', 15], ['9', 12]]),
  '8': weighted([['5', 35], ['9', 35], ['2', 18], ['4', 12]]),
  '9': weighted([['2', 40], ['4', 25], ['5', 20], ['9', 15]]),
};
const SW_POST_SHARE: Record<Role, number> = {
  S: 0.85, '1': 0.25, '2': 0.45, '3': 0.35, '4': 0.85, '5': 0.5, '6': 0.3, '7': 0.55, '8': 0.35, '9': 0.3,
};
/** Relative size of a unit's social-work roster. */
const SIZE_WEIGHT: Record<Role, number> = {
  S: 3, '1': 1.2, '2': 1.5, '3': 0.8, '4': 4, '5': 1, '6': 1, '7': 2.5, '8': 1, '9': 0.8,
};
/** Staff besides the social workers: [min, max] */
const OTHER_STAFF: Record<Role, readonly [number, number]> = {
  S: [0, 3], '1': [10, 60], '2': [3, 40], '3': [0, 8], '4': [0, 6], '5': [0, 10], '6': [5, 80], '7': [0, 8], '8': [0, 4],
  '9': [0, 10],
};
/** GB 32100 registration authority + organisation category by unit type. */
const CREDIT_PREFIX: Record<string, readonly string[]> = {
  '1': ['11'], '2': ['12'], '3': ['13'], '4': ['52'], '5': ['51', '52', '53'], '6': ['91'], '7': ['55'], '8': ['55'],
  '9': ['Y1'],
};
/** Share of units without a credit code, and the reason they give. */
const NO_CREDIT: Partial<Record<Role, readonly [number, string]>> = {
  S: [0.15, '社工站为乡镇（街道）内设机构，未单独赋码'],
  '7': [0.03, '社区居委会尚未赋码'],
  '8': [0.06, '村委会未赋码'],
  '9': [0.25, '临时性服务机构，未登记赋码'],
};

const SURNAMES = weighted<string>([
  ['王', 71], ['李', 70], ['张', 66], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 25], ['赵', 23], ['吴', 20], ['周', 19],
  ['徐', 15], ['孙', 15], ['马', 14], ['朱', 13], ['胡', 13], ['郭', 11], ['何', 11], ['林', 10], ['高', 10], ['罗', 9],
  ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 7], ['唐', 7], ['许', 6], ['韩', 6], ['冯', 6], ['邓', 6], ['曹', 6],
  ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['袁', 5], ['潘', 4], ['于', 4], ['蒋', 4], ['蔡', 4],
  ['余', 4], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 3],
  ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 3], ['金', 3],
  ['石', 3], ['廖', 3], ['贾', 3], ['夏', 2], ['韦', 2], ['付', 2], ['方', 2], ['白', 2], ['邹', 2], ['孟', 2],
  ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 2],
  ['龙', 2], ['史', 2], ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2], ['龚', 2], ['邵', 2],
  ['万', 2], ['钱', 2], ['严', 1], ['覃', 1], ['武', 1], ['戴', 1], ['莫', 1], ['孔', 1], ['向', 1], ['汤', 1],
  ['欧阳', 0.5], ['司马', 0.1], ['诸葛', 0.1], ['上官', 0.1],
]);
const GIVEN = {
  male: [...'伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健亮俊峰浩凯龙林东建国志文宇晨阳博旭鸣振兵宏海锋毅彬昊帆成春庆忠德立新'],
  maleFirst: [...'志建国俊宇浩子家明文永晓海天一振鹏伟博思嘉泽晨'],
  female: [...'芳敏静丽娟艳霞玲婷雪慧颖琳洁倩燕萍红梅琴蓉悦欣怡佳雯露莉瑶楠丹晶璐茜薇月凤英秀兰娜妍琪蕾莹媛'],
  femaleFirst: [...'晓欣佳雨思梦雅诗紫婉玉秋丽春美慧静文一子若可'],
};

/** GB 3304 codes with their shares among minority people (census 2020, rounded). */
const MINORITIES = weighted<string>([
  ['08', 156], ['03', 114], ['05', 118], ['06', 110], ['11', 104], ['07', 98], ['15', 96], ['04', 71], ['02', 63],
  ['12', 35], ['09', 36], ['13', 33], ['14', 21], ['16', 17], ['10', 17], ['17', 16], ['18', 13], ['19', 16],
  ['21', 9], ['20', 8], ['26', 9], ['22', 7], ['24', 5], ['25', 5], ['23', 4], ['97', 1],
]);
const POLITICAL_OTHER = ['04', '05', '06', '07', '08', '09', '10', '11', '12'] as const;
const EDUCATION = weighted([['10', 5], ['20', 44], ['30', 38], ['40', 7], ['60', 5], ['70', 1]]);
const MAJOR_NAMES: Record<string, readonly string[]> = {
  '10': ['社会工作'],
  '21': ['社会学'],
  '22': ['心理学', '应用心理学'],
  '23': ['劳动与社会保障', '社会保障'],
  '24': ['社区管理与服务', '社区康复'],
  '25': ['青少年工作与管理'],
  '26': ['刑事执行', '社区矫正'],
  '27': ['民政管理', '民政服务与管理'],
  '90': [
    '汉语言文学', '行政管理', '会计学', '计算机科学与技术', '护理学', '法学', '学前教育', '公共事业管理', '思想政治教育',
    '工商管理', '英语', '市场营销', '财务管理', '人力资源管理', '小学教育', '老年服务与管理', '农学', '电子商务',
  ],
};
const MAJOR_CATEGORY = weighted([
  ['10', 37], ['21', 5], ['22', 5], ['23', 3], ['24', 4], ['25', 2], ['26', 2], ['27', 4], ['90', 38],
]);
const QUAL_LEVEL = weighted([['0', 55], ['1', 30], ['2', 14], ['3', 1]]);
const TITLE_NO_CERT = weighted([['0', 70], ['1', 18], ['2', 9], ['3', 2.5], ['4', 0.5]]);
const PHONE_PREFIXES = [
  130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 176, 177,
  178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 193, 195, 198, 199,
] as const;

/** Day-of-year → month/day in a leap year, so 29 Feb can be drawn and rejected for other years. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const LEAP_CALENDAR: readonly (readonly [number, number])[] = MONTH_DAYS.flatMap((n, m) =>
  Array.from({ length: n }, (_, d) => [m + 1, d + 1] as const),
);

const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// ---------------------------------------------------------------------------------------------
// Helpers

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}


function kindOf(townshipCode: string): Kind {
  const n = Number(townshipCode.slice(6, 9));
  if (n >= 1 && n <= 99) return 'street';
  if (n >= 200 && n <= 399) return 'rural';
  // 镇 (100–199) and the NBS functional zones (400–599) have both 城镇 and 乡村 parts.
  return 'town';
}

function shortName(name: string): string {
  return name.replace(/(街道办事处|街道|民族乡|镇|乡)$/, '') || name;
}

/** GB 11714 organisation code (8 characters + check), the body of a GB 32100 code. */
function orgCode(rng: Rng, enterprise: boolean): string {
  let body = '';
  if (enterprise && rng.chance(0.5)) {
    // Codes issued since 2015 start with MA.
    body = 'MA';
    for (let i = 0; i < 6; i++) body += CREDIT_ALPHABET[rng.int(CREDIT_ALPHABET.length)]!;
  } else {
    for (let i = 0; i < 8; i++) body += String(rng.int(10));
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body.charCodeAt(i);
    sum += (ch <= 57 ? ch - 48 : ch - 55) * ORG_CODE_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

function fail(message: string): never {
  throw new RangeError(message);
}

function checkOptions(o: DemoOptions): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(o.refDate);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  if (!match || m < 1 || m > 12 || d < 1 || d > (m === 2 && !isLeap(y) ? 28 : MONTH_DAYS[m - 1]!) || y < 1950 || y > 2100)
    fail(`统计时点“${o.refDate}”不是有效日期，应为 YYYY-MM-DD`);
  if (!Number.isInteger(o.persons) || o.persons < 0) fail('演示数据的人员数应为非负整数');
  if (!Number.isInteger(o.units) || o.units < 0) fail('演示数据的单位数应为非负整数');
  if (o.persons < o.units) fail(`演示数据的人员数（${o.persons}）不能少于单位数（${o.units}）：每个单位至少要有一名人员`);
  if (o.persons > 0 && o.units === 0) fail('演示数据有人员时单位数至少为 1');
  if (o.units > 0 && o.townships.length === 0) fail('没有可用的乡镇（街道），无法生成演示数据');
  for (const t of o.townships) {
    if (!/^\d{9}$/.test(t.code)) fail(`乡镇（街道）代码“${t.code}”应为9位数字`);
    if (!/^\d{6}$/.test(t.countyCode) || !PROVINCE_PREFIXES.has(t.countyCode.slice(0, 2)))
      fail(`乡镇（街道）“${t.name}”的区县代码“${t.countyCode}”无效`);
  }
  return { y, m, d };
}

// ---------------------------------------------------------------------------------------------
// Generator

interface PlannedUnit {
  id: string;
  township: DemoTownship;
  /** Township name as used in unit names: prefixed with the county where ambiguous. */
  prefix: string;
  kind: Kind;
  role: Role;
  unitType: string;
  name: string;
  focus: string;
  urbanRural: string;
  count: number;
}

export function generateDemo(o: DemoOptions): DemoCensus {
  const ref = checkOptions(o);
  const rng = new Rng(`headcount-demo|${String(o.seed)}|${o.areaCode}`);
  const newId = (): string => rng.uuid();

  // --- Units: one station in most townships, the rest spread over townships by a random weight.
  const nameCount = new Map<string, number>();
  for (const t of o.townships) nameCount.set(t.name, (nameCount.get(t.name) ?? 0) + 1);
  const prefixOf = (t: DemoTownship): string =>
    (nameCount.get(t.name) ?? 0) > 1 && t.countyName ? t.countyName + t.name : t.name;

  const usedNames = new Set<string>();
  const claim = (name: string): string => {
    let n = name;
    for (let k = 2; usedNames.has(n); k++) n = `${name}（${k}）`;
    usedNames.add(n);
    return n;
  };

  const stationAt: boolean[] = o.townships.map(() => rng.chance(0.95));
  const flagged = stationAt.flatMap((s, i) => (s ? [i] : []));
  if (flagged.length > o.units) {
    for (let i = flagged.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [flagged[i], flagged[j]] = [flagged[j]!, flagged[i]!];
    }
    for (const i of flagged.slice(o.units)) stationAt[i] = false;
  }
  const stations = Math.min(flagged.length, o.units);
  const perTownship = new Array<number>(o.townships.length).fill(0);
  if (o.townships.length > 0) {
    const share = weighted(o.townships.map((t, i) => [i, (0.5 + rng.next()) * (kindOf(t.code) === 'street' ? 1.2 : 1)] as const));
    for (let k = stations; k < o.units; k++) perTownship[draw(rng, share)]!++;
  }

  const plan: PlannedUnit[] = [];
  o.townships.forEach((t, ti) => {
    const kind = kindOf(t.code);
    const prefix = prefixOf(t);
    const short = shortName(prefix);
    if (stationAt[ti]) {
      plan.push({
        id: newId(), township: t, prefix, kind, role: 'S', unitType: draw(rng, STATION_TYPE),
        name: claim(`${prefix}社会工作服务站`), focus: kind === 'rural' ? '02' : '01', urbanRural: kind === 'rural' ? '2' : '1',
        count: 1,
      });
    }
    for (let k = 0; k < perTownship[ti]!; k++) {
      let role = draw(rng, UNIT_TYPES[kind]);
      let named = fixedName(rng, role, kind, prefix, usedNames);
      if (!named && FIXED_NAMES[role] && role !== '5') {
        // Every office of this type already exists in the township: add an organisation instead.
        role = rng.pick(['4', '5', '6'] as const);
      }
      named ??= comboName(rng, role, prefix, short, usedNames);
      const urbanRural =
        kind === 'street' ? '1' : kind === 'rural' ? '2' : role === '7' ? '1' : role === '8' ? '2' : rng.chance(0.55) ? '1' : '2';
      plan.push({
        id: newId(), township: t, prefix, kind, role, unitType: role, name: claim(named.name), focus: named.focus, urbanRural,
        count: 1,
      });
    }
  });

  // --- Roster sizes: one person each, the rest by role weight × a heavy-tailed factor.
  if (plan.length > 0) {
    const size = weighted(plan.map((u, i) => [i, SIZE_WEIGHT[u.role] / (0.08 + 0.92 * rng.next())] as const));
    for (let k = plan.length; k < o.persons; k++) plan[draw(rng, size)]!.count++;
  }

  // --- Persons, unit by unit, as a township's roster would list them.
  // Uniqueness is tracked on numeric keys: hashing a hundred thousand fresh strings is slow.
  const countyIndex = new Map<string, number>();
  for (const t of o.townships) if (!countyIndex.has(t.countyCode)) countyIndex.set(t.countyCode, countyIndex.size);
  const idKeys = new Set<number>();
  const certKeys = new Set<number>();
  const phoneKeys = new Set<number>();
  const creditCodes = new Set<string>();
  const persons: DemoRecord[] = [];
  const units: DemoRecord[] = [];
  const refMD = ref.m * 100 + ref.d;

  for (const u of plan) {
    let swPosts = 0;
    const pool = DOMAIN_POOLS[u.role];
    for (let k = 0; k < u.count; k++) {
      const female = rng.chance(0.68);
      // Age: mostly 22–58 with a peak in the mid-thirties; a few 18–21 and 59–64.
      let age: number;
      if (rng.chance(0.92)) {
        const x = (rng.next() + rng.next() + rng.next()) / 3;
        age = 22 + Math.floor(37 * (0.6 * x * x + 0.4 * x));
      } else {
        const j = rng.int(10);
        age = j < 4 ? 18 + j : 55 + j;
      }
      // A birthday after the reference date's month-day means one more year back for the same age.
      let by: number, bm: number, bd: number;
      for (;;) {
        const md = LEAP_CALENDAR[rng.int(366)]!;
        const m = md[0];
        const d = md[1];
        by = m * 100 + d > refMD ? ref.y - age - 1 : ref.y - age;
        bm = m;
        bd = d;
        if (m !== 2 || d !== 29 || isLeap(by)) break;
      }
      const yyyy = String(by);
      const county = u.township.countyCode;
      const ci = countyIndex.get(county)!;
      const dayKey = (ci * 100_000 + (by - 1880) * 372 + bm * 31 + bd) * 1000;
      let seq: number;
      let tries = 0;
      do {
        // Sequence 001–999; odd for men, even for women.
        seq = female ? 2 * rng.range(1, 499) : 2 * rng.range(0, 499) + 1;
        if (++tries > 10_000) fail('演示数据人数过多：同一区县同一天出生的人员已超过身份证顺序码的容量');
      } while (idKeys.has(dayKey + seq));
      idKeys.add(dayKey + seq);
      const first17 = county + yyyy + DIGITS2[bm]! + DIGITS2[bd]! + DIGITS3[seq]!;
      const idNumber = first17 + idCheckChar(first17);

      const surname = draw(rng, SURNAMES);
      const name = rng.chance(0.2)
        ? surname + rng.pick(female ? GIVEN.female : GIVEN.male)
        : surname + rng.pick(female ? GIVEN.femaleFirst : GIVEN.maleFirst) + rng.pick(female ? GIVEN.female : GIVEN.male);

      const ethnicity = rng.chance(0.93) ? '01' : draw(rng, MINORITIES);
      const pr = rng.next();
      const political =
        pr < 0.27 ? '01'
        : pr < 0.3 ? '02'
        : (age <= 28 && pr < 0.6) || pr < 0.33 ? '03'
        : pr < 0.345 ? rng.pick(POLITICAL_OTHER)
        : '13';

      const education = draw(rng, EDUCATION);
      const majorCategory = education === '60' || education === '70' ? '90' : draw(rng, MAJOR_CATEGORY);
      const majorName = education === '60' || education === '70' ? null : rng.pick(MAJOR_NAMES[majorCategory]!);

      let qualLevel = draw(rng, QUAL_LEVEL);
      if (ref.y < 2008) qualLevel = '0';
      else if (qualLevel === '3' && ref.y < 2019) qualLevel = '2';
      let certNumber: string | null = null;
      let certYear: number | null = null;
      if (qualLevel !== '0') {
        const lo = Math.max(qualLevel === '3' ? 2019 : 2008, by + 18);
        // Results come out late in the year, so the reference year itself is rare.
        const hi = lo < ref.y && rng.chance(0.95) ? ref.y - 1 : ref.y;
        certYear = hi - Math.floor((hi - lo + 1) * recent(rng));
        // year + county + level + 7 digits = 18 digits
        const level = Number(qualLevel);
        let serial: number;
        do serial = level * 10_000_000 + rng.int(10_000_000);
        while (certKeys.has((ci * 300 + certYear - 1900) * 100_000_000 + serial));
        certKeys.add((ci * 300 + certYear - 1900) * 100_000_000 + serial);
        certNumber = String(certYear) + county + String(serial);
      }
      // The social-work certificate is itself the professional title of the matching grade.
      const titleLevel =
        qualLevel === '0' ? draw(rng, TITLE_NO_CERT) : String(Math.min(4, Number(qualLevel) + (rng.chance(0.12) ? 1 : 0)));

      const swPost = rng.chance(Math.min(0.95, SW_POST_SHARE[u.role] + (qualLevel === '0' ? 0 : 0.15)));
      if (swPost) swPosts++;

      const pd = rng.next();
      const primaryDomain = pd < 0.6 ? u.focus : pd < 0.95 ? rng.pick(pool) : rng.pick(rng.chance(0.8) ? ALL_DOMAINS : ['99']);
      const domains = [primaryDomain];
      const want = draw(rng, DOMAIN_COUNT);
      for (let tries = 0; domains.length < want && tries < 20; tries++) {
        const d = rng.chance(0.8) ? rng.pick(pool) : rng.pick(ALL_DOMAINS);
        if (!domains.includes(d)) domains.push(d);
      }
      domains.sort();

      const startYear = ref.y - Math.floor((ref.y - (by + 18) + 1) * recent(rng));

      const trainingHours = rng.chance(0.4)
        ? 160 + Math.floor(141 * rng.next() * rng.next())
        : rng.chance(0.12) ? 0 : 8 + rng.int(152);

      let prefix: number, line: number;
      do {
        prefix = rng.pick(PHONE_PREFIXES);
        line = rng.int(100_000_000);
      } while (phoneKeys.has(prefix * 100_000_000 + line));
      phoneKeys.add(prefix * 100_000_000 + line);

      persons.push({
        id: newId(),
        data: {
          name,
          idType: '01',
          idNumber,
          sex: female ? '2' : '1',
          birthDate: yyyy + '-' + DIGITS2[bm]! + '-' + DIGITS2[bd]!,
          ethnicity,
          political,
          phone: String(prefix) + DIGITS4[Math.floor(line / 10_000)]! + DIGITS4[line % 10_000]!,
          education,
          majorCategory,
          majorName,
          qualLevel,
          certNumber,
          certYear,
          titleLevel,
          unitId: u.id,
          township: u.township.code,
          urbanRural: u.urbanRural,
          postCategory: draw(rng, POST_CATEGORY[u.role]),
          swPost,
          employmentForm: draw(rng, EMPLOYMENT[u.role]),
          domains,
          primaryDomain,
          startYear,
          trainingHours,
        },
      });
    }

    const noCredit = NO_CREDIT[u.role];
    let creditCode: string | null = null;
    let noCreditReason: string | null = null;
    if (noCredit && rng.chance(noCredit[0])) {
      noCreditReason = noCredit[1];
    } else {
      do {
        const first17 = rng.pick(CREDIT_PREFIX[u.unitType]!) + u.township.countyCode + orgCode(rng, u.unitType === '6');
        creditCode = first17 + creditCheckChar(first17)!;
      } while (creditCodes.has(creditCode));
      creditCodes.add(creditCode);
    }
    const [lo, hi] = OTHER_STAFF[u.role];
    const staffCount = u.count + rng.range(lo, u.role === '4' ? hi + Math.ceil(u.count / 3) : hi);
    const swPostCount = Math.min(staffCount, swPosts + (rng.chance(0.3) ? rng.range(1, 2) : 0));
    units.push({
      id: u.id,
      data: {
        name: u.name,
        creditCode,
        noCreditReason,
        unitType: u.unitType,
        township: u.township.code,
        urbanRural: u.urbanRural,
        isStation: u.role === 'S',
        staffCount,
        swPostCount,
        reportedSwCount: u.count,
      },
    });
  }
  return { units, persons };
}

/** [0, 1) skewed towards 0: recent years are likelier, as the workforce and the exam keep growing. */
function recent(rng: Rng): number {
  const u = rng.next();
  return u * (0.5 + 0.5 * u);
}

interface Named {
  name: string;
  focus: string;
}

/** An unused fixed office name of this type in the township, or null when all exist. */
function fixedName(rng: Rng, role: Role, kind: Kind, prefix: string, used: ReadonlySet<string>): Named | null {
  const list = FIXED_NAMES[role];
  if (!list || (role === '5' && rng.chance(0.6))) return null;
  const free: Named[] = [];
  for (const [template, focus, ...kinds] of list) {
    if (kinds.length > 0 && !kinds.includes(kind)) continue;
    const name = template.replace('{t}', prefix);
    if (!used.has(name)) free.push({ name, focus });
  }
  return free.length > 0 ? rng.pick(free) : null;
}

/** A combinatorial name (community, village, organisation, company); falls back to an ordinal. */
function comboName(rng: Rng, role: Role, prefix: string, short: string, used: ReadonlySet<string>): Named {
  let last: Named = { name: '', focus: '01' };
  for (let tries = 0; tries < 40; tries++) {
    last = comboCandidate(rng, role, prefix, short);
    if (!used.has(last.name)) return last;
  }
  return last; // claim() appends （2）, （3）… — only when a township holds hundreds of such units
}

function comboCandidate(rng: Rng, role: Role, prefix: string, short: string): Named {
  switch (role) {
    case '7':
      return { name: `${prefix}${rng.pick(COMMUNITY_A)}${rng.pick(COMMUNITY_B)}社区居民委员会`, focus: '01' };
    case '8': {
      const village = rng.chance(0.55)
        ? rng.pick(VILLAGE_SURNAMES) + rng.pick(VILLAGE_SURNAME_SUFFIXES)
        : rng.pick(VILLAGE_WORDS) + rng.pick(VILLAGE_WORD_SUFFIXES) + '村';
      return { name: `${prefix}${village}村民委员会`, focus: '02' };
    }
    case '5': {
      const [suffix, focus] = rng.pick(NGO_SUFFIXES);
      return { name: `${short}${rng.pick(ORG_WORDS)}${suffix}`, focus };
    }
    case '6': {
      const [suffix, focus] = rng.pick(COMPANY_SUFFIXES);
      return { name: `${short}${rng.pick(ORG_WORDS)}${suffix}`, focus };
    }
    default:
      // 社工机构, and the fallback for any other type.
      return { name: `${short}${rng.pick(ORG_WORDS)}${rng.pick(SW_ORG_SUFFIXES)}`, focus: rng.pick(ALL_DOMAINS) };
  }
}
