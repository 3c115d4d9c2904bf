import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import type { ActivityDraft, AppError, FactorQuery, Session } from './bindings';
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
};

const session: Session = { organisation: null, activities: [] };

beforeEach(() => {
  mockInvoke.mockReset();
  mockInvoke.mockResolvedValue(session);
});

describe('command names and argument keys', () => {
  const query: FactorQuery = { text: 'coal', dataset: '', edition: '', region: '', gas: '', scope: 0, limit: 0 };
  const cases: [string, () => Promise<unknown>, string, Record<string, unknown> | undefined][] = [
    ['getSession', () => api.getSession(), 'get_session', undefined],
    [
      'setup',
      () => api.setup({ name: 'Acme', reporting_year: 2024, consolidation: 'equity-share', gwp_set: 'AR5' }),
      'setup',
      { input: { name: 'Acme', reporting_year: 2024, consolidation: 'equity-share', gwp_set: 'AR5' } },
    ],
    ['getSettings', () => api.getSettings(), 'get_settings', undefined],
    ['setLanguage', () => api.setLanguage('zh'), 'set_language', { language: 'zh' }],
    ['activityTypes', () => api.activityTypes('grid'), 'activity_types', { query: 'grid' }],
    ['checkActivity', () => api.checkActivity(draft), 'check_activity', { draft }],
    ['addActivity', () => api.addActivity(draft), 'add_activity', { draft }],
    ['removeActivity', () => api.removeActivity(7), 'remove_activity', { id: 7 }],
    ['dashboard', () => api.dashboard(), 'dashboard', undefined],
    ['searchFactors', () => api.searchFactors(query), 'search_factors', { query }],
    ['factorDetail', () => api.factorDetail('cn-grid.2021.CN'), 'factor_detail', { id: 'cn-grid.2021.CN' }],
    ['listDatasets', () => api.listDatasets(), 'list_datasets', undefined],
    [
      'addUserFactors',
      () => api.addUserFactors('mine.csv', 'id,activity\n'),
      'add_user_factors',
      { fileName: 'mine.csv', contents: 'id,activity\n' },
    ],
    ['exportActivitiesCsv', () => api.exportActivitiesCsv(), 'export_activities_csv', undefined],
  ];

  it.each(cases)('%s invokes its command with camelCase argument keys', async (_name, run, command, args) => {
    await run();
    expect(mockInvoke).toHaveBeenCalledTimes(1);
    expect(mockInvoke).toHaveBeenCalledWith(command, args);
  });

  it('covers every exported command wrapper', () => {
    const wrappers = Object.keys(api).filter((k) => !['isAppError', 'toAppError'].includes(k));
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
    const caught = await api.checkActivity(draft).catch((e: unknown) => e);
    expect(caught).toBe(err);
    expect(api.isAppError(caught)).toBe(true);
    if (api.isAppError(caught)) {
      expect(caught.code).toBe('validation');
      expect(caught.details.map((d) => d.field)).toEqual(['quantity', '']);
    }
  });

  it('turns any other rejection into an internal AppError', async () => {
    mockInvoke.mockRejectedValueOnce('invalid args `draft` for command `add_activity`');
    await expect(api.addActivity(draft)).rejects.toEqual({
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
