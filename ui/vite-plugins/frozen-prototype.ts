// The app runs with Tauri's `freezePrototype: true`: Object.prototype is frozen, so in strict
// code assigning `obj.constructor = …` to a plain object throws ("the override mistake"), even
// though it would only create an own property. ECharts does exactly that once, when its module
// is evaluated (core/Scheduler.js copies every prototype key, `constructor` included, onto plain
// mock objects), which stops the whole bundle from starting.
//
// This build-time patch skips the keys Object.prototype already has, which the mocks never
// need. It fails the build if the code it patches changes, so an ECharts upgrade is reviewed.

import type { Plugin } from 'vite';

const TARGET = /[\\/]echarts[\\/]lib[\\/]core[\\/]Scheduler\.js$/;
const FROM = 'target[name_1] = noop;';
const TO = 'if (!Object.prototype.hasOwnProperty.call(Object.prototype, name_1)) target[name_1] = noop;';

/** Patch one module's source; `null` when the module is not the one to patch. */
export function patchEchartsScheduler(code: string, id: string): string | null {
  if (!TARGET.test(id.split('?')[0])) return null;
  if (!code.includes(FROM)) {
    throw new Error(
      `${id}: the code the frozen-prototype patch expects ("${FROM}") is gone; check whether ECharts still assigns inherited keys to plain objects and update vite-plugins/frozen-prototype.ts`,
    );
  }
  return code.replace(FROM, TO);
}

export function frozenPrototypeSafe(): Plugin {
  return {
    name: 'scopebook:frozen-prototype-safe',
    enforce: 'pre',
    transform(code, id) {
      const patched = patchEchartsScheduler(code, id);
      return patched === null ? null : { code: patched, map: null };
    },
  };
}
