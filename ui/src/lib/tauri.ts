// The one module that talks to the Tauri shell. Every command of src-tauri/src/commands.rs has a
// typed wrapper here; nothing else imports @tauri-apps/*. Tauri 2 passes arguments by their
// camelCase names (`file_name` in Rust is `fileName` here).
//
// Every command rejects with an `AppError`: `{ code, message, details }`. A rejection that is not
// one (the shell itself refusing a call, or running outside Tauri) is turned into one with code
// `internal`, so callers can always switch on `code`.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import type {
  ActivityDraft,
  ActivityPage,
  ActivityRecordView,
  ActivityType,
  AppError,
  AuditEntryView,
  AuditorExported,
  AuditorFindings,
  AuditorLineDetail,
  AuditorLinePage,
  AuditorLineQuery,
  AuditorMarkInput,
  AuditorPackage,
  PeriodFactorFile,
  AuditorSampleRequest,
  AuditPage,
  AuditQuery,
  ConsolidationChange,
  Dashboard,
  DashboardInstrument,
  DashboardLinesPage,
  DatasetInfo,
  ErrorCode,
  EtsEnrolmentInput,
  EtsFacilityView,
  EtsImported,
  EtsLedgerDraft,
  EtsLedgerEntryView,
  EtsRegistryImported,
  EtsRegistryPage,
  EtsRegistryQuery,
  EtsRegistryRowView,
  EtsSchemeId,
  EtsUnitDraft,
  EtsUnitView,
  ExportChoices,
  FacilityInput,
  FacilityView,
  FactorDetail,
  FactorQuery,
  FactorSearchResult,
  ImportInspection,
  ImportPreview,
  ImportProgress,
  ImportReadOptions,
  ImportRequest,
  ImportRunMode,
  InstrumentsImported,
  InstrumentRestated,
  Language,
  NewOrganisationInput,
  PackageExported,
  PackageExportInput,
  PeriodInput,
  PeriodView,
  PlanInfo,
  PositionRequest,
  PositionView,
  QuantityEntry,
  ReconciliationReport,
  ReconciliationRequest,
  RecordLineage,
  ReportExported,
  ReportExportInput,
  Scope2View,
  Scope3View,
  SectorInfo,
  Session,
  Settings,
  TemplateExportInput,
  UserFactorsResult,
  VerifyResult,
  WorkedQuantity,
} from './bindings';

export type { AppError, ErrorCode };

const CODES: readonly ErrorCode[] = ['validation', 'not_found', 'conflict', 'locked', 'io', 'internal'];

/** Whether a value is an `AppError` as the Rust side sends it. */
export function isAppError(e: unknown): e is AppError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.code === 'string' &&
    (CODES as readonly string[]).includes(o.code) &&
    typeof o.message === 'string' &&
    Array.isArray(o.details)
  );
}

/** Any rejection as an `AppError` (unchanged when it already is one). */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return { code: 'internal', message: message ?? 'unknown error', details: [] };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// ---- the system's file dialogs (decision 0039) ----

/** A file-type choice of a dialog: its label and the extensions it shows (no dot). */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/**
 * Ask the user for one existing file with the system's open dialog. Resolves to its path, or to
 * `null` when the user cancels. `defaultPath` (a folder or a file) is where the dialog starts.
 */
export async function pickOpenFile(filters: FileFilter[], defaultPath?: string): Promise<string | null> {
  try {
    const picked = await openDialog({ multiple: false, directory: false, filters, ...(defaultPath ? { defaultPath } : {}) });
    return typeof picked === 'string' ? picked : null;
  } catch (e) {
    throw toAppError(e);
  }
}

/**
 * Ask the user for one existing folder with the system's open dialog (a dataset folder). Resolves
 * to its path, or to `null` when the user cancels. `defaultPath` is where the dialog starts.
 */
export async function pickFolder(defaultPath?: string): Promise<string | null> {
  try {
    const picked = await openDialog({ multiple: false, directory: true, ...(defaultPath ? { defaultPath } : {}) });
    return typeof picked === 'string' ? picked : null;
  } catch (e) {
    throw toAppError(e);
  }
}

/**
 * Ask the user where to save with the system's save dialog, offering `defaultName` (a name or a
 * whole path). Resolves to the chosen path, or to `null` when the user cancels. The dialog only
 * names the file: Scopebook's own command writes it.
 */
export async function pickSaveFile(defaultName: string, filters: FileFilter[]): Promise<string | null> {
  try {
    const picked = await saveDialog({ filters, ...(defaultName ? { defaultPath: defaultName } : {}) });
    return typeof picked === 'string' ? picked : null;
  } catch (e) {
    throw toAppError(e);
  }
}

export const getSettings = (): Promise<Settings> => call('get_settings');

export const setLanguage = (language: Language): Promise<Settings> => call('set_language', { language });

// ---- the organisation file ----

export const getSession = (): Promise<Session> => call('get_session');

export const createOrganisation = (input: NewOrganisationInput): Promise<Session> =>
  call('create_organisation', { input });

export const openOrganisation = (path: string): Promise<Session> => call('open_organisation', { path });

export const closeOrganisation = (): Promise<Session> => call('close_organisation');

export const forgetRecent = (path: string): Promise<Session> => call('forget_recent', { path });

export const listFacilities = (): Promise<FacilityView[]> => call('list_facilities');

export const addFacility = (input: FacilityInput): Promise<FacilityView> => call('add_facility', { input });

/**
 * Change a facility. A change that alters a locked period's figures rejects with `locked` unless
 * `restate` makes it a restatement (then `reason` is required).
 */
export const updateFacility = (code: string, input: FacilityInput, reason: string, restate = false): Promise<FacilityView> =>
  call('update_facility', { code, input, reason, restate });

/** The IPCC sectors a facility or a record can name, with the library's names in both languages. */
export const listSectors = (): Promise<SectorInfo[]> => call('list_sectors');

/** Change the organisation's consolidation approach (audited); resolves to the session. */
export const updateConsolidation = (change: ConsolidationChange): Promise<Session> =>
  call('update_consolidation', { change });

export const deleteFacility = (code: string, reason: string): Promise<void> => call('delete_facility', { code, reason });

export const listPeriods = (): Promise<PeriodView[]> => call('list_periods');

export const addPeriod = (input: PeriodInput): Promise<PeriodView> => call('add_period', { input });

export const reviewPeriod = (year: number): Promise<PeriodView> => call('review_period', { year });

export const reopenPeriod = (year: number): Promise<PeriodView> => call('reopen_period', { year });

/** Lock a period; its calculation is stored as the snapshot (in the returned period). */
export const lockPeriod = (year: number): Promise<PeriodView> => call('lock_period', { year });

export const activityTypes = (query: string): Promise<ActivityType[]> => call('activity_types', { query });

/** Check a draft row as `add_activity` would, without saving it; rejects with the problems. */
export const checkActivity = (year: number, draft: ActivityDraft): Promise<void> => call('check_activity', { year, draft });

export const listActivities = (year: number, offset: number, limit: number, all: boolean): Promise<ActivityPage> =>
  call('list_activities', { year, offset, limit, all });

export const addActivity = (year: number, draft: ActivityDraft): Promise<ActivityRecordView> =>
  call('add_activity', { year, draft });

export const updateActivity = (id: number, draft: ActivityDraft, reason: string): Promise<ActivityRecordView> =>
  call('update_activity', { id, draft, reason });

export const deleteActivity = (id: number, reason: string): Promise<void> => call('delete_activity', { id, reason });

export const restateActivity = (id: number, draft: ActivityDraft, reason: string): Promise<ActivityRecordView> =>
  call('restate_activity', { id, draft, reason });

export const activityHistory = (id: number): Promise<AuditEntryView[]> => call('activity_history', { id });

export const exportActivitiesCsv = (year: number): Promise<string> => call('export_activities_csv', { year });

export const auditLog = (query: AuditQuery): Promise<AuditPage> => call('audit_log', { query });

export const verifyOrganisation = (): Promise<VerifyResult> => call('verify_organisation');

export const backupOrganisation = (path: string): Promise<string> => call('backup_organisation', { path });

export const restoreOrganisation = (from: string, to: string): Promise<Session> => call('restore_organisation', { from, to });

// ---- results ----

/** The period's totals and charts (the calculation's aggregates; no lines). */
export const dashboard = (year: number): Promise<Dashboard> => call('dashboard', { year });

/** `limit` records of the dashboard's lines table from `offset`, calculated. */
export const dashboardLines = (year: number, offset: number, limit: number): Promise<DashboardLinesPage> =>
  call('dashboard_lines', { year, offset, limit });
/** The period's contractual instruments as stored (read-only; `scopebook instrument` enters them). */
export const dashboardInstruments = (year: number): Promise<DashboardInstrument[]> => call('dashboard_instruments', { year });

/** The Scope 2 screen: both totals, each facility's basis, the instruments with their grades (one calculation). */
export const scope2View = (year: number): Promise<Scope2View> => call('scope2_view', { year });
/** The Scope 3 screen: the 15 categories with status, method mix and data quality; ISO 14064-1 beside. */
export const scope3View = (year: number): Promise<Scope3View> => call('scope3_view', { year });
/** Import an INSTR.csv (by path) into period `year`, all or nothing (`scopebook instrument import`). */
export const importInstruments = (year: number, path: string): Promise<InstrumentsImported> =>
  call('import_instruments', { year, path });
/** Delete one instrument (`scopebook instrument delete`). */
export const deleteInstrument = (id: number, reason: string): Promise<void> => call('delete_instrument', { id, reason });
export const restateInstrument = (id: number, path: string, reason: string): Promise<InstrumentRestated> =>
  call('restate_instrument', { id, path, reason });

// ---- a period's own factor files (decision 0055) ----

export const periodFactorFiles = (year: number): Promise<PeriodFactorFile[]> => call('period_factor_files', { year });

export const addPeriodFactorFile = (year: number, path: string): Promise<PeriodFactorFile> =>
  call('add_period_factor_file', { year, path });

export const removePeriodFactorFile = (id: number, reason: string): Promise<void> =>
  call('remove_period_factor_file', { id, reason });

/** A record's quantity worked out from a flight leg, a commuting survey, a shipment, waste or sold products' use (decision 0057). */
export const workOutQuantity = (entry: QuantityEntry): Promise<WorkedQuantity> => call('work_out_quantity', { entry });

/** Set a Scope 3 category's status; `excluded` needs a reason (`scopebook scope3 status set`). */
export const setScope3Status = (
  year: number,
  category: number,
  status: string,
  reason: string,
  estimateT: string,
): Promise<void> => call('set_scope3_status', { year, category, status, reason, estimateT });

/** Restate a category's status in a locked period (`scopebook scope3 status restate`). */
export const restateScope3Status = (
  year: number,
  category: number,
  status: string,
  reason: string,
  estimateT: string,
  why: string,
): Promise<void> => call('restate_scope3_status', { year, category, status, reason, estimateT, why });

export const searchFactors = (query: FactorQuery): Promise<FactorSearchResult> => call('search_factors', { query });

export const factorDetail = (id: string): Promise<FactorDetail> => call('factor_detail', { id });

export const listDatasets = (): Promise<DatasetInfo[]> => call('list_datasets');

/** Add a user's factor CSV; the UI reads the file the user chose and sends its text. */
export const addUserFactors = (fileName: string, contents: string): Promise<UserFactorsResult> =>
  call('add_user_factors', { fileName, contents });

// ---- compliance (ETS) ----

/** The facilities registered under an ETS. */
export const etsFacilities = (): Promise<EtsFacilityView[]> => call('ets_facilities');

/** Register a covered facility under a scheme, or change its registration. */
export const setEtsFacility = (input: EtsEnrolmentInput): Promise<EtsFacilityView> => call('set_ets_facility', { input });

/** The shipped China plans and the EU rules, with their source documents. */
export const etsPlans = (): Promise<PlanInfo[]> => call('ets_plans');

export const etsUnits = (year: number): Promise<EtsUnitView[]> => call('ets_units', { year });

export const addEtsUnit = (year: number, draft: EtsUnitDraft): Promise<EtsUnitView> => call('add_ets_unit', { year, draft });

export const updateEtsUnit = (id: number, draft: EtsUnitDraft, reason: string): Promise<EtsUnitView> =>
  call('update_ets_unit', { id, draft, reason });

export const deleteEtsUnit = (id: number, reason: string): Promise<void> => call('delete_ets_unit', { id, reason });

/** Import a UNITS.csv (by path) into period `year`, all or nothing. */
export const importEtsUnits = (year: number, path: string, facility: string, plan: string): Promise<EtsImported> =>
  call('import_ets_units', { year, path, facility, plan });

export const etsLedger = (year: number): Promise<EtsLedgerEntryView[]> => call('ets_ledger', { year });

export const addEtsLedgerEntry = (year: number, draft: EtsLedgerDraft): Promise<EtsLedgerEntryView> =>
  call('add_ets_ledger_entry', { year, draft });

export const updateEtsLedgerEntry = (id: number, draft: EtsLedgerDraft, reason: string): Promise<EtsLedgerEntryView> =>
  call('update_ets_ledger_entry', { id, draft, reason });

export const deleteEtsLedgerEntry = (id: number, reason: string): Promise<void> =>
  call('delete_ets_ledger_entry', { id, reason });

/** Import a LEDGER.csv (by path) of `scheme` into period `year`, all or nothing. */
export const importEtsLedger = (year: number, scheme: EtsSchemeId, path: string): Promise<EtsImported> =>
  call('import_ets_ledger', { year, scheme, path });

/** The allowance position: `scopebook position --db FILE --scheme S --period YEAR --price P...`. */
export const etsPosition = (request: PositionRequest): Promise<PositionView> => call('ets_position', { request });

/**
 * The China ETS figures beside the inventory of the period's records (`scopebook position --db FILE
 * --scheme cn-ets --period YEAR --reconcile`); null when no registered facility has records.
 */
export const etsReconciliation = (request: ReconciliationRequest): Promise<ReconciliationReport | null> =>
  call('ets_reconciliation', { request });

/** A page of a period's EU registry rows (`scopebook ets registry list`), with a search. */
export const etsRegistry = (query: EtsRegistryQuery): Promise<EtsRegistryPage> => call('ets_registry', { query });

/** Import EU Transaction Log exports (by path) into period `year`, all or nothing. */
export const importEtsRegistry = (year: number, paths: string[]): Promise<EtsRegistryImported> =>
  call('import_ets_registry', { year, paths });

/** Delete one installation's registry figures, or (`installation` null) every row of the period. */
export const deleteEtsRegistry = (year: number, installation: string | null, reason: string): Promise<number> =>
  call('delete_ets_registry', { year, installation, reason });

/** Tie an installation to the facility it is, or untie it (`facility` ""). */
export const linkEtsRegistry = (year: number, installation: string, facility: string, reason: string): Promise<EtsRegistryRowView> =>
  call('link_ets_registry', { year, installation, facility, reason });

// ---- the import wizard ----

/** Read a file and show what was found, with the mapping the import starts from. */
export const importInspect = (path: string, read: ImportReadOptions, template: string): Promise<ImportInspection> =>
  call('import_inspect', { path, read, template });

/** A dry run of the import: nothing is written. */
export const importPreview = (request: ImportRequest): Promise<ImportPreview> => call('import_preview', { request });

/** The import itself (the preview of what was written, or why nothing was). */
export const importRun = (request: ImportRequest, mode: ImportRunMode): Promise<ImportPreview> =>
  call('import_run', { request, mode });

/** Ask the running import (or preview) to stop; it then writes nothing. */
export const importCancel = (): Promise<void> => call('import_cancel');

/** Write the blank import workbook; resolves to its path. */
export const templateExport = (input: TemplateExportInput): Promise<string> => call('template_export', { input });

// ---- a period's exports (the Periods screen) ----

/** The report kinds (and their formats) period `year` can give. */
export const exportChoices = (year: number): Promise<ExportChoices> => call('export_choices', { year });

/** `scopebook report` for the open file: the report written to `input.path`. */
export const exportReport = (input: ReportExportInput): Promise<ReportExported> => call('export_report_file', { input });

/** `scopebook export-package` for the open file: the package written to `input.path`. */
export const exportPackage = (input: PackageExportInput): Promise<PackageExported> => call('export_package_file', { input });

// ---- the auditor's view (decision 0042): a package opened read-only ----

/** Open (verify and index) the auditor's package at `path`, with its sidecar findings. */
export const auditorOpen = (path: string): Promise<AuditorPackage> => call('auditor_open', { path });

export const auditorClose = (): Promise<void> => call('auditor_close');

/** One page of the open package's lines. */
export const auditorLines = (query: AuditorLineQuery): Promise<AuditorLinePage> => call('auditor_lines', { query });

/** Everything the package says of record `record`'s line. */
export const auditorLine = (record: number): Promise<AuditorLineDetail> => call('auditor_line', { record });

/** Draw the reproducible sample (saved in the sidecar). */
export const auditorSample = (request: AuditorSampleRequest): Promise<AuditorFindings> => call('auditor_sample', { request });

/** Mark a line checked or queried (saved in the sidecar). */
export const auditorMark = (mark: AuditorMarkInput): Promise<AuditorFindings> => call('auditor_mark', { mark });

export const auditorUnmark = (record: number): Promise<AuditorFindings> => call('auditor_unmark', { record });

/** The findings workbook written to `path`. */
export const auditorExportXlsx = (path: string): Promise<AuditorExported> => call('auditor_export_xlsx', { path });

/** A new package at `path`: the opened one's files unchanged, with the findings folder. */
export const auditorExportPackage = (path: string): Promise<AuditorExported> => call('auditor_export_package', { path });

/** Where an imported record came from (`null` for a record typed in). */
export const recordLineage = (id: number): Promise<RecordLineage | null> => call('record_lineage', { id });

/**
 * Calls `handler` with each progress report of a running import or preview; resolves to the
 * function that stops listening. Outside Tauri it listens to nothing.
 */
export async function onImportProgress(handler: (p: ImportProgress) => void): Promise<() => void> {
  try {
    return await listen<ImportProgress>('import-progress', (event) => handler(event.payload));
  } catch {
    return () => {};
  }
}
