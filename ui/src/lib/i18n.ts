// Every visible string of the app, in English and Simplified Chinese, and the run-time switch
// between them. Components use `$t('key')` (a store, so they re-render when the language
// changes). The two dictionaries must have exactly the same keys (a unit test checks it).

import { derived, writable } from 'svelte/store';
import type { Language } from './bindings';

const en = {
  'app.name': 'Scopebook',
  'app.tagline': 'Greenhouse-gas inventory',
  'app.loading': 'Loading…',
  'app.startFailed': 'The app could not load its data.',
  'app.orgSummary': '{name} · {year} · {gwp}',

  'nav.main': 'Main navigation',
  'nav.activities': 'Activity data',
  'nav.dashboard': 'Dashboard',
  'nav.factors': 'Emission factors',

  'header.language': 'Language',
  'lang.en': 'English',
  'lang.zh': '简体中文',

  'error.validation': 'Some fields need attention.',
  'error.not_found': 'The item was not found.',
  'error.conflict': 'This cannot be done in the current state (is the setup complete?).',
  'error.locked': 'This record is locked and cannot be changed.',
  'error.io': 'The data could not be read or saved.',
  'error.internal': 'Something went wrong inside the app.',
  'error.detail': 'Details: {message}',

  'common.close': 'Close',
  'common.dismiss': 'Dismiss',
  'common.retry': 'Retry',
  'common.loading': 'Loading…',
  'common.none': '—',
  'common.verified': 'Verified',
  'common.unverified': 'Unverified',
  'common.optional': 'optional',
  'common.required': 'required',

  'setup.title': 'Set up your inventory',
  'setup.intro':
    'Scopebook keeps one inventory per organisation and reporting year. These settings decide how the organisational boundary is drawn and how other gases are converted to CO2e.',
  'setup.name': 'Organisation name',
  'setup.namePlaceholder': 'e.g. Huadong Precision Manufacturing Co., Ltd.',
  'setup.year': 'Reporting year',
  'setup.yearNotInteger': 'Enter the year as a whole number, e.g. 2024.',
  'setup.consolidation': 'Consolidation approach',
  'setup.consolidationHelp': 'How the organisational boundary is drawn (GHG Protocol Corporate Standard, chapter 3).',
  'setup.gwp': 'GWP set',
  'setup.gwpHelp': 'The global warming potentials used to convert CH4, N2O and other gases to CO2e.',
  'setup.language': 'Language',
  'setup.submit': 'Start the inventory',
  'setup.submitting': 'Saving…',

  'consolidation.operational-control': 'Operational control',
  'consolidation.financial-control': 'Financial control',
  'consolidation.equity-share': 'Equity share',

  'gwp.AR4': 'IPCC AR4 (100-year)',
  'gwp.AR5': 'IPCC AR5 (100-year)',
  'gwp.AR6': 'IPCC AR6 (100-year)',

  'col.facility': 'Facility',
  'col.period_start': 'Period start',
  'col.period_end': 'Period end',
  'col.activity': 'Activity type',
  'col.quantity': 'Quantity',
  'col.unit': 'Unit',
  'col.region': 'Region',
  'col.factor': 'Factor id',
  'col.evidence': 'Evidence',
  'col.actions': 'Actions',
  'col.scope': 'Scope',
  'col.category': 'Category',
  'col.dataset': 'Dataset / edition',
  'col.selectedBy': 'Selected by',
  'col.co2e': 't CO2e',
  'col.row': 'Row',
  'col.column': 'Column',
  'col.severity': 'Severity',
  'col.code': 'Code',
  'col.message': 'Message',
  'col.id': 'Id',
  'col.name': 'Name',
  'col.gases': 'Gases',
  'col.verified': 'Verified',

  'activities.title': 'Activity data',
  'activities.intro': 'Each row is checked with the same rules as an activity file, and gets its emission factor, before it is saved.',
  'activities.newRow': 'New activity row',
  'activities.ph.facility': 'e.g. SZ-PLANT',
  'activities.ph.activity': 'Search the factor library…',
  'activities.ph.quantity': 'e.g. 1200.5',
  'activities.ph.unit': 'e.g. kWh',
  'activities.ph.region': 'e.g. CN-JS',
  'activities.ph.factor': 'chosen automatically',
  'activities.ph.evidence': 'Invoice, meter reading…',
  'activities.typeHint': 'Scope {scope} · units: {units}',
  'activities.unknownType': 'Not an activity type of the factor library',
  'activities.add': 'Add row',
  'activities.adding': 'Adding…',
  'activities.checking': 'Checking…',
  'activities.valid': 'The row is valid and ready to add.',
  'activities.hasErrors': 'Fix the marked fields: nothing is saved until the row is valid.',
  'activities.empty': 'No activity rows yet. Add the first one above.',
  'activities.count': '{count} rows',
  'activities.delete': 'Delete',
  'activities.deleteRow': 'Delete row {id}',
  'activities.added': 'Row {id} added.',
  'activities.auto': 'automatic',
  'activities.export': 'Export CSV',
  'activities.exportTitle': 'Activity rows as CSV',
  'activities.exportHelp': 'The activity-file format that scopebook calc reads. Copy it into a .csv file.',
  'activities.copy': 'Copy',
  'activities.copied': 'Copied',

  'totals.scope1': 'Scope 1',
  'totals.scope2_location': 'Scope 2 (location-based)',
  'totals.scope2_market': 'Scope 2 (market-based)',
  'totals.scope3': 'Scope 3',
  'totals.biogenic': 'Biogenic CO2 (outside scopes)',
  'unit.tco2e': 't CO2e',
  'unit.tco2': 't CO2',

  'chart.scope1': 'Scope 1',
  'chart.scope2_location': 'Scope 2\n(location-based)',
  'chart.scope2_market': 'Scope 2\n(market-based)',
  'chart.scope3': 'Scope 3',
  'chart.biogenic': 'Biogenic CO2\n(outside scopes)',

  'scope.1': 'Scope 1',
  'scope.2': 'Scope 2',
  'scope.3': 'Scope 3',

  'dashboard.title': 'Dashboard',
  'dashboard.gwp': 'GWP: {gwp}',
  'dashboard.complete': 'All rows calculated',
  'dashboard.incomplete': '{count} rows could not be calculated',
  'dashboard.basis': 'Basis: {basis}',
  'dashboard.basisGridAverage':
    'grid-average factors: no contractual instruments (certificates, PPAs, supplier rates) or residual mix are recorded, so market-based Scope 2 equals location-based',
  'dashboard.chartScope': 'Emissions by scope',
  'dashboard.chartFacility': 'Emissions by facility',
  'dashboard.scope2Basis': 'Scope 2 basis',
  'dashboard.basisLocation': 'Location-based',
  'dashboard.basisMarket': 'Market-based',
  'dashboard.lines': 'Calculation lines',
  'dashboard.linesHelp': 'Select a factor id to see the factor behind the line.',
  'dashboard.scope3Categories': 'Scope 3 by category',
  'dashboard.unresolved': 'Unresolved rows',
  'dashboard.unresolvedRow': 'Row {id} · {activity}',
  'dashboard.notes': 'Notes',
  'dashboard.empty': 'No activity data yet: add rows under Activity data to see totals.',
  'dashboard.refresh': 'Refresh',
  'dashboard.roundingNote': 'Figures are rounded half to even to 3 decimal places; hover a figure for its exact value.',

  'selectedBy.explicit': 'Named by the row',
  'selectedBy.facility-specific': 'Facility-specific',
  'selectedBy.supplier-specific': 'Supplier-specific',
  'selectedBy.user-supplied': 'User-supplied',
  'selectedBy.region': 'Region',
  'selectedBy.parent-region': 'Parent region',
  'selectedBy.global-default': 'Global default',

  'scope3cat.1': '1 Purchased goods and services',
  'scope3cat.2': '2 Capital goods',
  'scope3cat.3': '3 Fuel- and energy-related activities',
  'scope3cat.4': '4 Upstream transportation and distribution',
  'scope3cat.5': '5 Waste generated in operations',
  'scope3cat.6': '6 Business travel',
  'scope3cat.7': '7 Employee commuting',
  'scope3cat.8': '8 Upstream leased assets',
  'scope3cat.9': '9 Downstream transportation and distribution',
  'scope3cat.10': '10 Processing of sold products',
  'scope3cat.11': '11 Use of sold products',
  'scope3cat.12': '12 End-of-life treatment of sold products',
  'scope3cat.13': '13 Downstream leased assets',
  'scope3cat.14': '14 Franchises',
  'scope3cat.15': '15 Investments',

  'factors.title': 'Emission factors',
  'factors.search': 'Search',
  'factors.searchPlaceholder': 'Id, activity, name, region, source, gas…',
  'factors.dataset': 'Dataset',
  'factors.edition': 'Edition',
  'factors.region': 'Region',
  'factors.gas': 'Gas',
  'factors.scope': 'Scope',
  'factors.any': 'Any',
  'factors.total': '{count} factors',
  'factors.clear': 'Clear filters',
  'factors.noResults': 'No factors match these filters.',
  'factors.selectHint': 'Select a factor to see its figures and full provenance.',
  'factors.datasetOption': '{id} ({count})',
  'factors.userDataset': 'user',

  'detail.title': 'Emission factor',
  'detail.activity': 'Activity',
  'detail.name': 'Name',
  'detail.scope': 'Scope',
  'detail.category': 'Category',
  'detail.unit': 'Per unit',
  'detail.region': 'Region',
  'detail.gases': 'Gases',
  'detail.dataset': 'Dataset',
  'detail.edition': 'Edition',
  'detail.status': 'Status',
  'detail.provenance': 'Figures and provenance',
  'detail.field': 'Field',
  'detail.value': 'Value',

  'userFactors.title': 'Add user dataset',
  'userFactors.help':
    'Choose a factor CSV file (the format that scopebook factors validate checks). All or nothing: with any error, nothing is added.',
  'userFactors.choose': 'Choose a CSV file…',
  'userFactors.noFile': 'No file chosen',
  'userFactors.reading': 'Checking {file}…',
  'userFactors.added': '{count} factors added from {file}.',
  'userFactors.rejected': 'Nothing was added from {file}: {count} problems.',
  'userFactors.problems': 'Problems',

  'severity.error': 'Error',
  'severity.warning': 'Warning',
} as const;

/** A key of the dictionaries. */
export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;

const zhCN: Dictionary = {
  'app.name': 'Scopebook',
  'app.tagline': '温室气体排放清单',
  'app.loading': '正在加载…',
  'app.startFailed': '应用无法加载数据。',
  'app.orgSummary': '{name} · {year} · {gwp}',

  'nav.main': '主导航',
  'nav.activities': '活动数据',
  'nav.dashboard': '仪表板',
  'nav.factors': '排放因子',

  'header.language': '语言',
  'lang.en': 'English',
  'lang.zh': '简体中文',

  'error.validation': '部分字段需要修改。',
  'error.not_found': '未找到该项。',
  'error.conflict': '当前状态下无法执行此操作（是否已完成设置？）。',
  'error.locked': '该记录已锁定，无法更改。',
  'error.io': '无法读取或保存数据。',
  'error.internal': '应用内部出错。',
  'error.detail': '详细信息：{message}',

  'common.close': '关闭',
  'common.dismiss': '知道了',
  'common.retry': '重试',
  'common.loading': '正在加载…',
  'common.none': '—',
  'common.verified': '已核实',
  'common.unverified': '未核实',
  'common.optional': '选填',
  'common.required': '必填',

  'setup.title': '设置温室气体清单',
  'setup.intro': 'Scopebook 为每个组织和报告年度编制一份清单。以下设置决定组织边界的划定方式，以及其他温室气体换算为二氧化碳当量的方法。',
  'setup.name': '组织名称',
  'setup.namePlaceholder': '例如：华东精密制造有限公司',
  'setup.year': '报告年度',
  'setup.yearNotInteger': '请以整数填写年份，例如 2024。',
  'setup.consolidation': '合并方法',
  'setup.consolidationHelp': '组织边界的划定方式（《温室气体核算体系：企业核算与报告标准》第 3 章）。',
  'setup.gwp': '全球变暖潜势（GWP）',
  'setup.gwpHelp': '将甲烷、氧化亚氮等气体换算为二氧化碳当量时采用的全球变暖潜势值。',
  'setup.language': '语言',
  'setup.submit': '开始编制清单',
  'setup.submitting': '正在保存…',

  'consolidation.operational-control': '运营控制权',
  'consolidation.financial-control': '财务控制权',
  'consolidation.equity-share': '股权比例',

  'gwp.AR4': 'IPCC 第四次评估报告（AR4，100 年）',
  'gwp.AR5': 'IPCC 第五次评估报告（AR5，100 年）',
  'gwp.AR6': 'IPCC 第六次评估报告（AR6，100 年）',

  'col.facility': '设施',
  'col.period_start': '起始日期',
  'col.period_end': '截止日期',
  'col.activity': '活动类型',
  'col.quantity': '数量',
  'col.unit': '单位',
  'col.region': '地区',
  'col.factor': '排放因子编号',
  'col.evidence': '证据',
  'col.actions': '操作',
  'col.scope': '范围',
  'col.category': '类别',
  'col.dataset': '数据集 / 版本',
  'col.selectedBy': '选择依据',
  'col.co2e': '吨二氧化碳当量',
  'col.row': '行',
  'col.column': '列',
  'col.severity': '级别',
  'col.code': '代码',
  'col.message': '说明',
  'col.id': '编号',
  'col.name': '名称',
  'col.gases': '气体',
  'col.verified': '核实',

  'activities.title': '活动数据',
  'activities.intro': '每一行在保存前都按与活动数据文件相同的规则校验，并匹配排放因子。',
  'activities.newRow': '新增活动数据',
  'activities.ph.facility': '例如：SZ-PLANT',
  'activities.ph.activity': '在排放因子库中搜索…',
  'activities.ph.quantity': '例如：1200.5',
  'activities.ph.unit': '例如：kWh',
  'activities.ph.region': '例如：CN-JS',
  'activities.ph.factor': '自动选择',
  'activities.ph.evidence': '发票、抄表记录等',
  'activities.typeHint': '范围{scope} · 单位：{units}',
  'activities.unknownType': '排放因子库中没有此活动类型',
  'activities.add': '添加',
  'activities.adding': '正在添加…',
  'activities.checking': '正在校验…',
  'activities.valid': '该行校验通过，可以添加。',
  'activities.hasErrors': '请修改标出的字段：该行通过校验之前不会保存。',
  'activities.empty': '尚无活动数据，请在上方添加第一行。',
  'activities.count': '共 {count} 行',
  'activities.delete': '删除',
  'activities.deleteRow': '删除第 {id} 行',
  'activities.added': '已添加第 {id} 行。',
  'activities.auto': '自动',
  'activities.export': '导出 CSV',
  'activities.exportTitle': '活动数据（CSV 格式）',
  'activities.exportHelp': '与 scopebook calc 读取的活动数据文件格式相同。可复制后保存为 .csv 文件。',
  'activities.copy': '复制',
  'activities.copied': '已复制',

  'totals.scope1': '范围一',
  'totals.scope2_location': '范围二（基于位置）',
  'totals.scope2_market': '范围二（基于市场）',
  'totals.scope3': '范围三',
  'totals.biogenic': '生物源二氧化碳（范围外）',
  'unit.tco2e': '吨二氧化碳当量',
  'unit.tco2': '吨二氧化碳',

  'chart.scope1': '范围一',
  'chart.scope2_location': '范围二\n（基于位置）',
  'chart.scope2_market': '范围二\n（基于市场）',
  'chart.scope3': '范围三',
  'chart.biogenic': '生物源二氧化碳\n（范围外）',

  'scope.1': '范围一',
  'scope.2': '范围二',
  'scope.3': '范围三',

  'dashboard.title': '仪表板',
  'dashboard.gwp': '全球变暖潜势：{gwp}',
  'dashboard.complete': '所有行均已计算',
  'dashboard.incomplete': '有 {count} 行无法计算',
  'dashboard.basis': '计算口径：{basis}',
  'dashboard.basisGridAverage': '采用电网平均排放因子：尚未录入合同工具（绿证、购电协议、供应商排放因子）或剩余组合因子，因此基于市场的范围二排放等于基于位置的排放',
  'dashboard.chartScope': '按范围划分的排放量',
  'dashboard.chartFacility': '按设施划分的排放量',
  'dashboard.scope2Basis': '范围二口径',
  'dashboard.basisLocation': '基于位置',
  'dashboard.basisMarket': '基于市场',
  'dashboard.lines': '计算明细',
  'dashboard.linesHelp': '点击排放因子编号，查看该行所用的排放因子。',
  'dashboard.scope3Categories': '范围三（按类别）',
  'dashboard.unresolved': '未能计算的行',
  'dashboard.unresolvedRow': '第 {id} 行 · {activity}',
  'dashboard.notes': '说明',
  'dashboard.empty': '尚无活动数据：请在“活动数据”中添加后查看合计。',
  'dashboard.refresh': '刷新',
  'dashboard.roundingNote': '数值按“四舍六入五成双”保留 3 位小数；鼠标悬停可查看精确值。',

  'selectedBy.explicit': '由该行指定',
  'selectedBy.facility-specific': '设施特定因子',
  'selectedBy.supplier-specific': '供应商特定因子',
  'selectedBy.user-supplied': '用户提供的因子',
  'selectedBy.region': '本地区因子',
  'selectedBy.parent-region': '上级地区因子',
  'selectedBy.global-default': '全球默认值',

  'scope3cat.1': '1 外购商品和服务',
  'scope3cat.2': '2 资本货物',
  'scope3cat.3': '3 燃料和能源相关活动',
  'scope3cat.4': '4 上游运输和配送',
  'scope3cat.5': '5 运营中产生的废弃物',
  'scope3cat.6': '6 商务差旅',
  'scope3cat.7': '7 员工通勤',
  'scope3cat.8': '8 上游租赁资产',
  'scope3cat.9': '9 下游运输和配送',
  'scope3cat.10': '10 售出产品的加工',
  'scope3cat.11': '11 售出产品的使用',
  'scope3cat.12': '12 售出产品的报废处理',
  'scope3cat.13': '13 下游租赁资产',
  'scope3cat.14': '14 特许经营',
  'scope3cat.15': '15 投资',

  'factors.title': '排放因子',
  'factors.search': '搜索',
  'factors.searchPlaceholder': '编号、活动、名称、地区、来源、气体…',
  'factors.dataset': '数据集',
  'factors.edition': '版本',
  'factors.region': '地区',
  'factors.gas': '气体',
  'factors.scope': '范围',
  'factors.any': '全部',
  'factors.total': '共 {count} 个排放因子',
  'factors.clear': '清除筛选',
  'factors.noResults': '没有符合筛选条件的排放因子。',
  'factors.selectHint': '选择一个排放因子，查看其数值和完整来源信息。',
  'factors.datasetOption': '{id}（{count}）',
  'factors.userDataset': '用户',

  'detail.title': '排放因子',
  'detail.activity': '活动',
  'detail.name': '名称',
  'detail.scope': '范围',
  'detail.category': '类别',
  'detail.unit': '计量单位',
  'detail.region': '地区',
  'detail.gases': '气体',
  'detail.dataset': '数据集',
  'detail.edition': '版本',
  'detail.status': '状态',
  'detail.provenance': '数值与来源',
  'detail.field': '字段',
  'detail.value': '值',

  'userFactors.title': '添加用户数据集',
  'userFactors.help': '选择一个排放因子 CSV 文件（格式与 scopebook factors validate 检查的相同）。全部通过才会添加：只要有一处错误，就不会添加任何因子。',
  'userFactors.choose': '选择 CSV 文件…',
  'userFactors.noFile': '未选择文件',
  'userFactors.reading': '正在检查 {file}…',
  'userFactors.added': '已从 {file} 添加 {count} 个排放因子。',
  'userFactors.rejected': '未从 {file} 添加任何因子：发现 {count} 个问题。',
  'userFactors.problems': '问题',

  'severity.error': '错误',
  'severity.warning': '警告',
};

/** The BCP 47 locale of each dictionary. */
export type Locale = 'en' | 'zh-CN';

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

/** The locale of a language setting (the Rust side stores `en` / `zh`). */
export function localeOf(language: Language): Locale {
  return language === 'zh' ? 'zh-CN' : 'en';
}

export type Vars = Record<string, string | number>;

/** Look a key up for a language and fill its `{placeholders}`. */
export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const dict = dictionaries[localeOf(language)];
  const text = dict[key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Whether a string is a key of the dictionaries (for keys built from data, e.g. `selectedBy.*`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The current language. Set it with `setLanguage` in App (which also persists it). */
export const language = writable<Language>('en');

/** The current locale, for number and date formatting. */
export const locale = derived(language, localeOf);

/** The translation function of the current language: `$t('nav.dashboard')`. */
export const t = derived(language, (lang) => (key: MessageKey, vars?: Vars) => translate(lang, key, vars));

/**
 * Translate a key built from data (`selectedBy.${rule}`), falling back to the raw value when the
 * dictionaries do not know it.
 */
export const tOr = derived(language, (lang) => (key: string, fallback: string, vars?: Vars) =>
  isMessageKey(key) ? translate(lang, key, vars) : fallback,
);
