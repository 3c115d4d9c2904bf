import { describe, expect, it } from 'vitest';
import { changes } from './diff';

describe('audit entry changes', () => {
  it('lists only the fields that differ', () => {
    expect(changes('{"id":1,"quantity":"10","unit":"t"}', '{"id":1,"quantity":"12.5","unit":"t"}')).toEqual([
      { field: 'quantity', old: '10', new: '12.5' },
    ]);
  });

  it('lists every field of a creation and a deletion', () => {
    expect(changes(null, '{"b":2,"a":"x","c":null}')).toEqual([
      { field: 'a', old: null, new: 'x' },
      { field: 'b', old: null, new: '2' },
    ]);
    expect(changes('{"a":"x"}', null)).toEqual([{ field: 'a', old: 'x', new: null }]);
  });

  it('treats unreadable values as empty', () => {
    expect(changes('not json', '[1]')).toEqual([]);
  });
});
