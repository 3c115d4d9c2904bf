import { describe, expect, it } from 'vitest';
import type { ImportField, ImportInspection } from '../../lib/bindings';
import {
  buildRequest,
  columnChoices,
  defaultSkippedPath,
  fieldLabel,
  initialMapping,
  missingRequired,
  percent,
  readOptions,
  requestKey,
  sharedHeaders,
  stepReached,
  templatePath,
  valueInputs,
  valueKey,
  valueOptions,
} from './wizard';

const fields: ImportField[] = [
  { field: 'facility', label_en: 'Facility', label_zh: '设施', required: true },
  { field: 'activity', label_en: 'Activity type', label_zh: '活动类型', required: true },
  { field: 'quantity', label_en: 'Quantity', label_zh: '用量', required: true },
  { field: 'unit', label_en: 'Unit', label_zh: '单位', required: true },
  { field: 'evidence', label_en: 'Evidence', label_zh: '凭证号', required: false },
];

const inspection: ImportInspection = {
  file: 'data.csv',
  path: '/d/data.csv',
  format: 'csv',
  sheets: [],
  sheet: null,
  encoding: 'GB18030',
  delimiter: ',',
  header_row: 1,
  headers: ['设施', '能源品种', '用量', '单位', '凭证号'],
  rows_total: 4,
  sample: [],
  mapping: [
    { field: 'facility', header: '设施' },
    { field: 'activity', header: '能源品种' },
    { field: 'quantity', header: '用量' },
    { field: 'unit', header: 'gone' },
  ],
  mapping_source: { kind: 'guess', name: null },
  fields,
  templates: [],
};

describe('the mapping', () => {
  it('starts from the guess, every field present, headers the file lacks dropped', () => {
    const m = initialMapping(inspection);
    expect(m).toEqual({ facility: '设施', activity: '能源品种', quantity: '用量', unit: '', evidence: '' });
    expect(missingRequired(fields, m)).toEqual(['unit']);
    expect(columnChoices(fields, m).map((c) => c.header)).toEqual(['设施', '能源品种', '用量', '', '']);
  });

  it('finds a header used twice', () => {
    expect(sharedHeaders({ a: 'x', b: 'x', c: 'y', d: '' })).toEqual(['x']);
    expect(sharedHeaders({ a: '', b: '' })).toEqual([]);
  });

  it('labels fields in the UI language', () => {
    expect(fieldLabel(fields[2], 'zh')).toBe('用量');
    expect(fieldLabel(fields[2], 'en')).toBe('Quantity');
  });
});

describe('the request', () => {
  it('carries the value choices that have a target, sorted', () => {
    const v = { [valueKey('unit', '立方米')]: 'm3', [valueKey('activity', '电')]: ' grid_electricity ', [valueKey('unit', 'x')]: '' };
    expect(valueInputs(v)).toEqual([
      { kind: 'activity', value: '电', target: 'grid_electricity' },
      { kind: 'unit', value: '立方米', target: 'm3' },
    ]);
  });

  it('reads a header row only when it is a positive whole number', () => {
    expect(readOptions('', '')).toEqual({ sheet: '', header_row: 0, delimiter: '', encoding: '' });
    expect(readOptions('Data', '3').header_row).toBe(3);
    expect(readOptions('', '2.5').header_row).toBe(0);
    expect(readOptions('', '-1').header_row).toBe(0);
  });

  it('changes its key when the mapping changes, not when the template name does', () => {
    const parts = {
      path: ' /d/data.csv ',
      read: readOptions('', ''),
      year: 2023,
      fields,
      mapping: initialMapping(inspection),
      values: {},
      saveTemplate: '',
      skippedPath: '',
    };
    const a = buildRequest(parts);
    expect(a.path).toBe('/d/data.csv');
    expect(requestKey(buildRequest({ ...parts, saveTemplate: 'monthly' }))).toBe(requestKey(a));
    expect(requestKey(buildRequest({ ...parts, mapping: { ...parts.mapping, unit: '单位' } }))).not.toBe(requestKey(a));
  });
});

describe('paths', () => {
  it('puts the skipped rows beside the file', () => {
    expect(defaultSkippedPath('/d/energy.csv')).toBe('/d/energy.skipped.csv');
    expect(defaultSkippedPath('C:\\d\\能源.xlsx')).toBe('C:\\d\\能源.skipped.csv');
    expect(defaultSkippedPath('noext')).toBe('noext.skipped.csv');
  });

  it('suggests the blank workbook beside the organisation file', () => {
    expect(templatePath('/home/a/org.scopebook', 'zh')).toBe('/home/a/scopebook-import-template-zh.xlsx');
  });
});

describe('progress and steps', () => {
  it('counts whole percents', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(66);
    expect(percent(5, 3)).toBe(100);
  });

  it('knows the step reached', () => {
    expect(stepReached(null, null, false)).toBe('file');
    expect(stepReached(inspection, null, false)).toBe('mapping');
  });

  it('offers the chosen value with the suggestions', () => {
    expect(valueOptions(['m3', 'Nm3'], '')).toEqual(['m3', 'Nm3']);
    expect(valueOptions(['m3'], 'km3')).toEqual(['km3', 'm3']);
  });
});
