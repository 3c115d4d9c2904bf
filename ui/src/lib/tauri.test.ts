import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import type {
  ActivityDraft,
  AppError,
  AuditQuery,
  EtsEnrolmentInput,
  EtsLedgerDraft,
  EtsRegistryQuery,
  EtsUnitDraft,
  FacilityInput,
  FactorQuery,
  ImportReadOptions,
  ImportRequest,
  PositionRequest,
  ReconciliationRequest,
  Session,
} from './bindings';
import * as api from './tauri';

const mockInvoke = vi.mocked(invoke);

const draft: ActivityDraft = {
  facility: 'SZ-PLANT',
  period_start: '2023-01-01',
  period_end: '2023-12-31',
  activity: 'grid_electricity',
  quantity: '1,000',
  unit: 'kWh',
  region: 'CN-JS',
  factor: '',
  evidence: '',
  data_quality: '',
  note: '',
  sector: '',
  ncv_gj_per_unit: '',
  carbon_t_per_gj: '',
  oxidation: '',
  parameter_source: '',
  scope3_category: '',
  method: '',
  dq_technology: '',
  dq_time: '',
  dq_geography: '',
  dq_completeness: '',
  dq_reliability: '',
  currency_year: '',
  exchange_rate: '',
  price_index: '',
  attribution: '',
  pcaf_score: '',
};

const session: Session = { organisation: null, recent: [], default_folder: '/tmp', reopen_error: null };

const facility: FacilityInput = {
  code: 'SZ',
  name: 'Suzhou',
  kind: 'facility',
  parent: 'HD',
  equity_share: '60',
  operational_control: true,
  financial_control: false,
  region: 'CN-JS',
  grid_region: '',
  ets_covered: false,
  sector: '',
};

beforeEach(() => {
  mockInvoke.mockReset();
  mockInvoke.mockResolvedValue(session);
});

describe('command names and argument keys', () => {
  const query: FactorQuery = { text: 'coal', dataset: '', edition: '', region: '', gas: '', scope: 0, limit: 0 };
  const read: ImportReadOptions = { sheet: '', header_row: 0, delimiter: '', encoding: 'gbk' };
  const request: ImportRequest = {
    path: '/d/a.csv',
    read,
    year: 2023,
    template: '',
    columns: [{ field: 'quantity', header: '用量' }],
    values: [],
    save_template: '',
    skipped_path: '',
  };
  const enrolment: EtsEnrolmentInput = { facility: 'JS-U3', scheme: 'cn-ets', enterprise: 'Jiangsu Example Power', plan: 'cn-power-2019-2020' };
  const unit: EtsUnitDraft = {
    facility: 'JS-U3',
    plan: '',
    unit: 'U3',
    unit_class: 'coal-above-300mw',
    cooling: 'water',
    output_mwh: '2000000',
    heat_gj: '',
    heat_supply_ratio: '',
    load_factor: '0.86',
    verified_t: '1800000',
    allocation_t: '',
  };
  const entry: EtsLedgerDraft = {
    scheme: 'cn-ets',
    enterprise: 'Jiangsu Example Power',
    date: '2021-06-01',
    kind: 'purchase',
    quantity_t: '10000',
    instrument: 'CEA',
    price: '60',
    currency: 'CNY',
    vintage: '',
    project: '',
    evidence: '',
  };
  const positionRequest: PositionRequest = { scheme: 'cn-ets', year: 2020, plan: '', prices: ['central=75'] };
  const reconciliationRequest: ReconciliationRequest = { scheme: 'cn-ets', year: 2024, plan: '', default_parameters: ['BT-SMELTER'], as_of: '' };
  const registryQuery: EtsRegistryQuery = { year: 2021, search: 'rhein', offset: 50, limit: 50 };
  const audit: AuditQuery = { action: 'update', table: '', user: '', text: '', offset: 0, limit: 50, exact_count: false };
  const cases: [string, () => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
    ['getSession', () => api.getSession(), 'get_session', undefined],
    [
      'createOrganisation',
      () => api.createOrganisation({ path: '/o.scopebook', name: 'Acme', consolidation: 'equity-share' }),
      'create_organisation',
      { input: { path: '/o.scopebook', name: 'Acme', consolidation: 'equity-share' } },
    ],
    ['openOrganisation', () => api.openOrganisation('/o.scopebook'), 'open_organisation', { path: '/o.scopebook' }],
    ['closeOrganisation', () => api.closeOrganisation(), 'close_organisation', undefined],
    ['forgetRecent', () => api.forgetRecent('/o.scopebook'), 'forget_recent', { path: '/o.scopebook' }],
    ['listFacilities', () => api.listFacilities(), 'list_facilities', undefined],
    ['addFacility', () => api.addFacility(facility), 'add_facility', { input: facility }],
    ['updateFacility', () => api.updateFacility('SZ', facility, 'why'), 'update_facility', { code: 'SZ', input: facility, reason: 'why', restate: false }],
    ['listSectors', () => api.listSectors(), 'list_sectors', undefined],
    [
      'updateConsolidation',
      () => api.updateConsolidation({ consolidation: 'equity-share', reason: 'policy', restate: false }),
      'update_consolidation',
      { change: { consolidation: 'equity-share', reason: 'policy', restate: false } },
    ],
    ['deleteFacility', () => api.deleteFacility('SZ', 'why'), 'delete_facility', { code: 'SZ', reason: 'why' }],
    ['listPeriods', () => api.listPeriods(), 'list_periods', undefined],
    [
      'addPeriod',
      () => api.addPeriod({ year: 2023, start: '', end: '', gwp_set: 'AR5', base_year: false }),
      'add_period',
      { input: { year: 2023, start: '', end: '', gwp_set: 'AR5', base_year: false } },
    ],
    ['reviewPeriod', () => api.reviewPeriod(2023), 'review_period', { year: 2023 }],
    ['reopenPeriod', () => api.reopenPeriod(2023), 'reopen_period', { year: 2023 }],
    ['lockPeriod', () => api.lockPeriod(2023), 'lock_period', { year: 2023 }],
    ['getSettings', () => api.getSettings(), 'get_settings', undefined],
    ['setLanguage', () => api.setLanguage('zh'), 'set_language', { language: 'zh' }],
    ['activityTypes', () => api.activityTypes('grid'), 'activity_types', { query: 'grid' }],
    ['checkActivity', () => api.checkActivity(2023, draft), 'check_activity', { year: 2023, draft }],
    ['listActivities', () => api.listActivities(2023, 100, 50, true), 'list_activities', { year: 2023, offset: 100, limit: 50, all: true }],
    ['addActivity', () => api.addActivity(2023, draft), 'add_activity', { year: 2023, draft }],
    ['updateActivity', () => api.updateActivity(7, draft, 'typo'), 'update_activity', { id: 7, draft, reason: 'typo' }],
    ['deleteActivity', () => api.deleteActivity(7, 'dup'), 'delete_activity', { id: 7, reason: 'dup' }],
    ['restateActivity', () => api.restateActivity(7, draft, 'bill'), 'restate_activity', { id: 7, draft, reason: 'bill' }],
    ['activityHistory', () => api.activityHistory(7), 'activity_history', { id: 7 }],
    ['exportActivitiesCsv', () => api.exportActivitiesCsv(2023), 'export_activities_csv', { year: 2023 }],
    ['auditLog', () => api.auditLog(audit), 'audit_log', { query: audit }],
    ['verifyOrganisation', () => api.verifyOrganisation(), 'verify_organisation', undefined],
    ['backupOrganisation', () => api.backupOrganisation('/b.scopebook'), 'backup_organisation', { path: '/b.scopebook' }],
    ['restoreOrganisation', () => api.restoreOrganisation('/b', '/n'), 'restore_organisation', { from: '/b', to: '/n' }],
    ['dashboard', () => api.dashboard(2023), 'dashboard', { year: 2023 }],
    ['dashboardLines', () => api.dashboardLines(2023, 200, 100), 'dashboard_lines', { year: 2023, offset: 200, limit: 100 }],
    ['dashboardInstruments', () => api.dashboardInstruments(2023), 'dashboard_instruments', { year: 2023 }],
    ['scope2View', () => api.scope2View(2023), 'scope2_view', { year: 2023 }],
    ['scope3View', () => api.scope3View(2023), 'scope3_view', { year: 2023 }],
    ['importInstruments', () => api.importInstruments(2023, '/i.csv'), 'import_instruments', { year: 2023, path: '/i.csv' }],
    ['deleteInstrument', () => api.deleteInstrument(7, 'dup'), 'delete_instrument', { id: 7, reason: 'dup' }],
    ['restateInstrument', () => api.restateInstrument(7, '/f.csv', 'why'), 'restate_instrument', { id: 7, path: '/f.csv', reason: 'why' }],
    ['periodFactorFiles', () => api.periodFactorFiles(2023), 'period_factor_files', { year: 2023 }],
    ['addPeriodFactorFile', () => api.addPeriodFactorFile(2023, '/f/de.csv'), 'add_period_factor_file', { year: 2023, path: '/f/de.csv' }],
    ['removePeriodFactorFile', () => api.removePeriodFactorFile(3, 'wrong'), 'remove_period_factor_file', { id: 3, reason: 'wrong' }],
    ['workOutQuantity', () => api.workOutQuantity({ calculator: 'flight' as const, distance_km: '8000', passengers: '1', trip: 'one_way', haul: 'long_haul', cabin: 'economy', radiative_forcing: 'without' }), 'work_out_quantity', { entry: { calculator: 'flight' as const, distance_km: '8000', passengers: '1', trip: 'one_way', haul: 'long_haul', cabin: 'economy', radiative_forcing: 'without' } }],
    [
      'setScope3Status',
      () => api.setScope3Status(2023, 8, 'excluded', 'none', '120'),
      'set_scope3_status',
      { year: 2023, category: 8, status: 'excluded', reason: 'none', estimateT: '120' },
    ],
    [
      'restateScope3Status',
      () => api.restateScope3Status(2023, 8, 'relevant', '', '30', 'found'),
      'restate_scope3_status',
      { year: 2023, category: 8, status: 'relevant', reason: '', estimateT: '30', why: 'found' },
    ],
    ['searchFactors', () => api.searchFactors(query), 'search_factors', { query }],
    ['factorDetail', () => api.factorDetail('cn-grid.2021.CN'), 'factor_detail', { id: 'cn-grid.2021.CN' }],
    ['listDatasets', () => api.listDatasets(), 'list_datasets', undefined],
    [
      'addUserFactors',
      () => api.addUserFactors('mine.csv', 'id,activity\n'),
      'add_user_factors',
      { fileName: 'mine.csv', contents: 'id,activity\n' },
    ],
    ['importInspect', () => api.importInspect('/d/a.csv', read, ''), 'import_inspect', { path: '/d/a.csv', read, template: '' }],
    ['importPreview', () => api.importPreview(request), 'import_preview', { request }],
    ['importRun', () => api.importRun(request, 'valid_rows_only'), 'import_run', { request, mode: 'valid_rows_only' }],
    ['importCancel', () => api.importCancel(), 'import_cancel', undefined],
    [
      'templateExport',
      () => api.templateExport({ path: '/t.xlsx', lang: 'zh', year: 2023 }),
      'template_export',
      { input: { path: '/t.xlsx', lang: 'zh', year: 2023 } },
    ],
    ['recordLineage', () => api.recordLineage(7), 'record_lineage', { id: 7 }],
    ['etsFacilities', () => api.etsFacilities(), 'ets_facilities', undefined],
    ['setEtsFacility', () => api.setEtsFacility(enrolment), 'set_ets_facility', { input: enrolment }],
    ['etsPlans', () => api.etsPlans(), 'ets_plans', undefined],
    ['etsUnits', () => api.etsUnits(2020), 'ets_units', { year: 2020 }],
    ['addEtsUnit', () => api.addEtsUnit(2020, unit), 'add_ets_unit', { year: 2020, draft: unit }],
    ['updateEtsUnit', () => api.updateEtsUnit(3, unit, 'meter fixed'), 'update_ets_unit', { id: 3, draft: unit, reason: 'meter fixed' }],
    ['deleteEtsUnit', () => api.deleteEtsUnit(3, 'duplicate'), 'delete_ets_unit', { id: 3, reason: 'duplicate' }],
    ['importEtsUnits', () => api.importEtsUnits(2020, '/d/UNITS.csv', '', ''), 'import_ets_units', { year: 2020, path: '/d/UNITS.csv', facility: '', plan: '' }],
    ['etsLedger', () => api.etsLedger(2020), 'ets_ledger', { year: 2020 }],
    ['addEtsLedgerEntry', () => api.addEtsLedgerEntry(2020, entry), 'add_ets_ledger_entry', { year: 2020, draft: entry }],
    [
      'updateEtsLedgerEntry',
      () => api.updateEtsLedgerEntry(4, entry, 'price corrected'),
      'update_ets_ledger_entry',
      { id: 4, draft: entry, reason: 'price corrected' },
    ],
    ['deleteEtsLedgerEntry', () => api.deleteEtsLedgerEntry(4, 'entered twice'), 'delete_ets_ledger_entry', { id: 4, reason: 'entered twice' }],
    ['importEtsLedger', () => api.importEtsLedger(2020, 'cn-ets', '/d/LEDGER.csv'), 'import_ets_ledger', { year: 2020, scheme: 'cn-ets', path: '/d/LEDGER.csv' }],
    ['etsPosition', () => api.etsPosition(positionRequest), 'ets_position', { request: positionRequest }],
    ['etsReconciliation', () => api.etsReconciliation(reconciliationRequest), 'ets_reconciliation', { request: reconciliationRequest }],
    ['etsRegistry', () => api.etsRegistry(registryQuery), 'ets_registry', { query: registryQuery }],
    ['exportChoices', () => api.exportChoices(2023), 'export_choices', { year: 2023 }],
    [
      'exportReport',
      () => api.exportReport({ year: 2023, kind: 'inventory', lang: 'both', path: '/r.pdf' }),
      'export_report_file',
      { input: { year: 2023, kind: 'inventory', lang: 'both', path: '/r.pdf' } },
    ],
    ['exportPackage', () => api.exportPackage({ year: 2023, path: '/p.zip' }), 'export_package_file', { input: { year: 2023, path: '/p.zip' } }],
    ['importEtsRegistry', () => api.importEtsRegistry(2021, ['/d/a.csv', '/d/b.csv']), 'import_ets_registry', { year: 2021, paths: ['/d/a.csv', '/d/b.csv'] }],
    ['deleteEtsRegistry', () => api.deleteEtsRegistry(2021, 'DE-990001', 'typo'), 'delete_ets_registry', { year: 2021, installation: 'DE-990001', reason: 'typo' }],
    ['linkEtsRegistry', () => api.linkEtsRegistry(2021, 'DE-990001', 'DE-HO', ''), 'link_ets_registry', { year: 2021, installation: 'DE-990001', facility: 'DE-HO', reason: '' }],
    ['auditorOpen', () => api.auditorOpen('/p.zip'), 'auditor_open', { path: '/p.zip' }],
    ['auditorClose', () => api.auditorClose(), 'auditor_close', undefined],
    [
      'auditorLines',
      () => api.auditorLines({ facility: 'SZ', scope: '', text: 'x', offset: 200, limit: 200 }),
      'auditor_lines',
      { query: { facility: 'SZ', scope: '', text: 'x', offset: 200, limit: 200 } },
    ],
    ['auditorLine', () => api.auditorLine(7), 'auditor_line', { record: 7 }],
    ['auditorSample', () => api.auditorSample({ phrase: 'p', materiality: '2', size: null }), 'auditor_sample', { request: { phrase: 'p', materiality: '2', size: null } }],
    [
      'auditorMark',
      () => api.auditorMark({ record: 7, status: 'queried', comment: 'c', auditor: 'A' }),
      'auditor_mark',
      { mark: { record: 7, status: 'queried', comment: 'c', auditor: 'A' } },
    ],
    ['auditorUnmark', () => api.auditorUnmark(7), 'auditor_unmark', { record: 7 }],
    ['auditorExportXlsx', () => api.auditorExportXlsx('/f.xlsx'), 'auditor_export_xlsx', { path: '/f.xlsx' }],
    ['auditorExportPackage', () => api.auditorExportPackage('/f.zip'), 'auditor_export_package', { path: '/f.zip' }],
  ];

  it.each(cases)('%s invokes its command with camelCase argument keys', async (_name, run, command, args) => {
    await run();
    expect(mockInvoke).toHaveBeenCalledTimes(1);
    expect(mockInvoke).toHaveBeenCalledWith(command, args);
  });

  it('asks for a restatement of a facility change only when told to', async () => {
    await api.updateFacility('SZ', facility, 'sold', true);
    expect(mockInvoke).toHaveBeenCalledWith('update_facility', { code: 'SZ', input: facility, reason: 'sold', restate: true });
  });

  it('deletes every registry row of a period only with installation null', async () => {
    await api.deleteEtsRegistry(2021, null, '');
    expect(mockInvoke).toHaveBeenCalledWith('delete_ets_registry', { year: 2021, installation: null, reason: '' });
  });

  it('covers every exported command wrapper', () => {
    const wrappers = Object.keys(api).filter((k) => !['isAppError', 'toAppError', 'onImportProgress', 'pickOpenFile', 'pickSaveFile', 'pickFolder'].includes(k));
    expect(wrappers.sort()).toEqual(cases.map((c) => c[0]).sort());
  });

  it('resolves with what the command returns', async () => {
    mockInvoke.mockResolvedValueOnce({ language: 'zh' });
    await expect(api.getSettings()).resolves.toEqual({ language: 'zh' });
  });
});

describe('errors', () => {
  it('passes an AppError rejection through unchanged and typed', async () => {
    const err: AppError = {
      code: 'validation',
      message: 'the row has errors',
      details: [
        { field: 'quantity', code: 'malformed-number', message: "'1,000' is not a number", severity: 'error' },
        { field: '', code: 'no-factor', message: 'no factor', severity: 'error' },
      ],
    };
    mockInvoke.mockRejectedValueOnce(err);
    const caught = await api.checkActivity(2023, draft).catch((e: unknown) => e);
    expect(caught).toBe(err);
    expect(api.isAppError(caught)).toBe(true);
    if (api.isAppError(caught)) {
      expect(caught.code).toBe('validation');
      expect(caught.details.map((d) => d.field)).toEqual(['quantity', '']);
    }
  });

  it('turns any other rejection into an internal AppError', async () => {
    mockInvoke.mockRejectedValueOnce('invalid args `draft` for command `add_activity`');
    await expect(api.addActivity(2023, draft)).rejects.toEqual({
      code: 'internal',
      message: 'invalid args `draft` for command `add_activity`',
      details: [],
    });
    mockInvoke.mockRejectedValueOnce(new TypeError('window.__TAURI_INTERNALS__ is undefined'));
    await expect(api.getSession()).rejects.toMatchObject({ code: 'internal', details: [] });
  });

  it('recognises AppErrors by shape and closed code set', () => {
    expect(api.isAppError({ code: 'not_found', message: 'x', details: [] })).toBe(true);
    expect(api.isAppError({ code: 'teapot', message: 'x', details: [] })).toBe(false);
    expect(api.isAppError({ code: 'io', message: 'x' })).toBe(false);
    expect(api.isAppError(null)).toBe(false);
    expect(api.isAppError('io')).toBe(false);
  });
});

describe('the system file dialogs (decision 0039)', () => {
  const mockOpen = vi.mocked(openDialog);
  const mockSave = vi.mocked(saveDialog);
  const orgFiles = [{ name: 'Organisation files', extensions: ['scopebook'] }];

  beforeEach(() => {
    mockOpen.mockReset();
    mockSave.mockReset();
  });

  it('opens one file (never several, never a folder) with the given filters and start', async () => {
    mockOpen.mockResolvedValueOnce('/home/a/acme.scopebook');
    await expect(api.pickOpenFile(orgFiles, '/home/a')).resolves.toBe('/home/a/acme.scopebook');
    expect(mockOpen).toHaveBeenCalledWith({ multiple: false, directory: false, filters: orgFiles, defaultPath: '/home/a' });
    mockOpen.mockResolvedValueOnce('/x.scopebook');
    await api.pickOpenFile(orgFiles);
    expect(mockOpen).toHaveBeenLastCalledWith({ multiple: false, directory: false, filters: orgFiles });
  });

  it('saves under the offered name and returns the chosen path', async () => {
    mockSave.mockResolvedValueOnce('/home/a/backup.scopebook');
    await expect(api.pickSaveFile('acme-backup.scopebook', orgFiles)).resolves.toBe('/home/a/backup.scopebook');
    expect(mockSave).toHaveBeenCalledWith({ filters: orgFiles, defaultPath: 'acme-backup.scopebook' });
    mockSave.mockResolvedValueOnce(null);
    await api.pickSaveFile('', orgFiles);
    expect(mockSave).toHaveBeenLastCalledWith({ filters: orgFiles });
  });

  it('resolves to null when the user cancels', async () => {
    mockOpen.mockResolvedValueOnce(null);
    await expect(api.pickOpenFile(orgFiles)).resolves.toBeNull();
    mockSave.mockResolvedValueOnce(null);
    await expect(api.pickSaveFile('a.scopebook', orgFiles)).resolves.toBeNull();
  });

  it('rejects with an AppError when the dialog cannot be shown', async () => {
    mockOpen.mockRejectedValueOnce('dialog.open not allowed');
    await expect(api.pickOpenFile(orgFiles)).rejects.toEqual({ code: 'internal', message: 'dialog.open not allowed', details: [] });
    mockSave.mockRejectedValueOnce(new Error('no display'));
    await expect(api.pickSaveFile('a', orgFiles)).rejects.toMatchObject({ code: 'internal', message: 'no display' });
  });
});
