// The one module that talks to the Tauri shell. Every command of src-tauri/src/commands.rs has a
// typed wrapper here; nothing else imports @tauri-apps/*. Tauri 2 passes arguments by their
// camelCase names (`file_name` in Rust is `fileName` here).
//
// Every command rejects with an `AppError`: `{ code, message, details }`. A rejection that is not
// one (the shell itself refusing a call, or running outside Tauri) is turned into one with code
// `internal`, so callers can always switch on `code`.

import { invoke } from '@tauri-apps/api/core';
import type {
  ActivityDraft,
  ActivityType,
  AppError,
  Dashboard,
  DatasetInfo,
  ErrorCode,
  FactorDetail,
  FactorQuery,
  FactorSearchResult,
  Language,
  Session,
  Settings,
  SetupInput,
  UserFactorsResult,
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

export const getSession = (): Promise<Session> => call('get_session');

export const setup = (input: SetupInput): Promise<Session> => call('setup', { input });

export const getSettings = (): Promise<Settings> => call('get_settings');

export const setLanguage = (language: Language): Promise<Settings> => call('set_language', { language });

export const activityTypes = (query: string): Promise<ActivityType[]> => call('activity_types', { query });

/** Check a draft row as `add_activity` would, without saving it; rejects with the problems. */
export const checkActivity = (draft: ActivityDraft): Promise<void> => call('check_activity', { draft });

export const addActivity = (draft: ActivityDraft): Promise<Session> => call('add_activity', { draft });

export const removeActivity = (id: number): Promise<Session> => call('remove_activity', { id });

export const dashboard = (): Promise<Dashboard> => call('dashboard');

export const searchFactors = (query: FactorQuery): Promise<FactorSearchResult> => call('search_factors', { query });

export const factorDetail = (id: string): Promise<FactorDetail> => call('factor_detail', { id });

export const listDatasets = (): Promise<DatasetInfo[]> => call('list_datasets');

/** Add a user's factor CSV; the UI reads the file the user chose and sends its text. */
export const addUserFactors = (fileName: string, contents: string): Promise<UserFactorsResult> =>
  call('add_user_factors', { fileName, contents });

export const exportActivitiesCsv = (): Promise<string> => call('export_activities_csv');
