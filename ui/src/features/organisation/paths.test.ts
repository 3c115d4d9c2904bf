import { describe, expect, it } from 'vitest';
import { baseName, fileStem, suggestPath } from './paths';

describe('new organisation file names', () => {
  it('makes a stem from the name', () => {
    expect(fileStem('Huadong Precision Co., Ltd.')).toBe('Huadong-Precision-Co-Ltd');
    expect(fileStem('  华东精密  ')).toBe('华东精密');
    expect(fileStem('a/b:c')).toBe('a-b-c');
    expect(fileStem('')).toBe('organisation');
    expect(fileStem('x'.repeat(100))).toHaveLength(60);
  });

  it('joins the folder with its own separator', () => {
    expect(suggestPath('/home/li/Documents/Scopebook/', 'Acme')).toBe('/home/li/Documents/Scopebook/Acme.scopebook');
    expect(suggestPath('C:\\Users\\li\\Documents\\Scopebook', 'Acme')).toBe('C:\\Users\\li\\Documents\\Scopebook\\Acme.scopebook');
  });

  it('takes the file name of a path', () => {
    expect(baseName('/a/b/c.scopebook')).toBe('c.scopebook');
    expect(baseName('C:\\a\\c.scopebook')).toBe('c.scopebook');
  });
});
