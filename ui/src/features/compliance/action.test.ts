import { describe, expect, it, vi } from 'vitest';

vi.mock('../../lib/tauri', () => ({
  toAppError: (e: unknown) => ({ code: 'validation', message: String(e), details: [] }),
}));

import { PanelAction } from './action.svelte';

describe('PanelAction', () => {
  it('words the notice and reloads the screen after a write that succeeds', async () => {
    const after = vi.fn();
    const act = new PanelAction(after);
    act.error = { code: 'io', message: 'old', details: [] };
    const ok = await act.run(
      async () => 3,
      (n) => `${n} imported`,
    );
    expect(ok).toBe(true);
    expect([act.notice, act.error, act.busy]).toEqual(['3 imported', null, false]);
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('keeps the error, no notice and no reload, when the write is refused', async () => {
    const after = vi.fn();
    const act = new PanelAction(after);
    act.notice = 'earlier';
    let busyDuring = false;
    const ok = await act.run(
      async () => {
        busyDuring = act.busy;
        throw new Error('surrender beyond holdings');
      },
      () => 'never',
    );
    expect(ok).toBe(false);
    expect(busyDuring).toBe(true);
    expect([act.notice, act.busy]).toEqual(['', false]);
    expect(act.error?.message).toContain('surrender beyond holdings');
    expect(after).not.toHaveBeenCalled();
  });
});
