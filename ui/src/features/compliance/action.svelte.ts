// A write of one of the Compliance screen's panels (units, ledger, registry): busy while it runs,
// its notice once done (and then the screen reloads), or its error, never both.

import type { AppError } from '../../lib/bindings';
import * as api from '../../lib/tauri';

export class PanelAction {
  busy = $state(false);
  error = $state<AppError | null>(null);
  notice = $state('');

  /** `after` runs when a write succeeds (the screen asks again for what it shows). */
  constructor(private readonly after: () => void) {}

  /** Run `action`; `done` words the notice from its result. True when it succeeded. */
  async run<T>(action: () => Promise<T>, done: (r: T) => string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    this.notice = '';
    try {
      this.notice = done(await action());
      this.after();
      return true;
    } catch (e) {
      this.error = api.toAppError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
