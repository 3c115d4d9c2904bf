import { beforeEach, describe, expect, it, vi } from 'vitest';

// The dialogs are mocked at tauri.ts, the module that talks to the shell.
vi.mock('./tauri', () => ({ pickOpenFile: vi.fn(), pickSaveFile: vi.fn(), pickFolder: vi.fn() }));

import { browse, filtersFor } from './browse';
import { translate, type MessageKey } from './i18n';
import { pickFolder, pickOpenFile, pickSaveFile } from './tauri';

const mockOpen = vi.mocked(pickOpenFile);
const mockSave = vi.mocked(pickSaveFile);
const mockFolder = vi.mocked(pickFolder);
const en = (key: MessageKey) => translate('en', key);
const zh = (key: MessageKey) => translate('zh', key);

beforeEach(() => {
  mockOpen.mockReset();
  mockSave.mockReset();
  mockFolder.mockReset();
});

describe('filtersFor', () => {
  it('offers each kind its own extensions, labelled in the language', () => {
    expect(filtersFor('organisation', 'save', en)).toEqual([{ name: 'Scopebook organisation files', extensions: ['scopebook'] }]);
    expect(filtersFor('import', 'open', en)).toEqual([
      { name: 'Spreadsheets and CSV files', extensions: ['csv', 'xlsx', 'xls', 'ods'] },
      { name: 'All files', extensions: ['*'] },
    ]);
    expect(filtersFor('package', 'save', en)[0].extensions).toEqual(['zip']);
    expect(filtersFor('report', 'save', en)[0].extensions).toEqual(['pdf', 'xlsx', 'csv']);
    expect(filtersFor('csv', 'save', en)[0].extensions).toEqual(['csv']);
    expect(filtersFor('workbook', 'save', en)[0].extensions).toEqual(['xlsx']);
    expect(filtersFor('organisation', 'open', zh)[0].name).toBe('Scopebook 组织文件');
  });
});

describe('browse (a Browse… button beside a path field)', () => {
  it('fills the field with the picked file', async () => {
    mockOpen.mockResolvedValueOnce('/data/acme.scopebook');
    await expect(browse('open', 'organisation', '', en)).resolves.toBe('/data/acme.scopebook');
    expect(mockOpen).toHaveBeenCalledWith(filtersFor('organisation', 'open', en), undefined);
  });

  it('starts the dialog from what the field holds', async () => {
    mockSave.mockResolvedValueOnce('/data/other.scopebook');
    await expect(browse('save', 'organisation', '/data/acme.scopebook', en)).resolves.toBe('/data/other.scopebook');
    expect(mockSave).toHaveBeenCalledWith('/data/acme.scopebook', filtersFor('organisation', 'save', en));
    mockOpen.mockResolvedValueOnce('/in/b.csv');
    await browse('open', 'import', '  /in/a.csv ', en);
    expect(mockOpen).toHaveBeenLastCalledWith(filtersFor('import', 'open', en), '/in/a.csv');
  });

  it('picks a folder (a dataset folder) with no file filters, from what the field holds', async () => {
    expect(filtersFor('factors', 'folder', en)).toEqual([]);
    expect(filtersFor('factors', 'open', en)[0]).toEqual({ name: 'Factor files (CSV)', extensions: ['csv'] });
    mockFolder.mockResolvedValueOnce('/data/aib-2023');
    await expect(browse('folder', 'factors', ' /data ', en)).resolves.toBe('/data/aib-2023');
    expect(mockFolder).toHaveBeenCalledWith('/data');
    expect(mockOpen).not.toHaveBeenCalled();
    mockFolder.mockResolvedValueOnce(null);
    await expect(browse('folder', 'factors', '/typed', en)).resolves.toBe('/typed');
  });

  it('leaves the field unchanged when the user cancels', async () => {
    mockOpen.mockResolvedValueOnce(null);
    await expect(browse('open', 'import', '/typed/by/hand.xlsx', en)).resolves.toBe('/typed/by/hand.xlsx');
    mockSave.mockResolvedValueOnce(null);
    await expect(browse('save', 'csv', '', en)).resolves.toBe('');
  });

  it('passes a dialog failure on, so the field stays as typed', async () => {
    mockSave.mockRejectedValueOnce({ code: 'internal', message: 'no display', details: [] });
    await expect(browse('save', 'report', '/r.pdf', en)).rejects.toMatchObject({ code: 'internal' });
  });
});
