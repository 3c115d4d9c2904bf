import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { patchEchartsScheduler } from './frozen-prototype';

const require = createRequire(import.meta.url);

describe('frozen-prototype patch of ECharts', () => {
  const id = require.resolve('echarts/lib/core/Scheduler.js');
  const source = readFileSync(id, 'utf8');

  it('applies to the installed ECharts', () => {
    const patched = patchEchartsScheduler(source, id);
    expect(patched).not.toBeNull();
    expect(patched).not.toBe(source);
    expect(patched).toContain('hasOwnProperty.call(Object.prototype, name_1)');
  });

  it('leaves other modules alone', () => {
    expect(patchEchartsScheduler(source, '/x/echarts/lib/core/echarts.js')).toBeNull();
  });

  it('makes the mocking loop safe under a frozen Object.prototype', () => {
    // The patched loop, run against an object whose prototype chain has a read-only
    // `constructor` (as every plain object has once Object.prototype is frozen).
    const frozenBase = Object.freeze(Object.create(null, { constructor: { value: Object, writable: false } }));
    const target = Object.create(frozenBase);
    function Clz() {}
    Clz.prototype = { constructor: Clz, getOption() {} };
    const loop = (patched: boolean) => {
      for (const name in Clz.prototype) {
        if (patched && Object.prototype.hasOwnProperty.call(Object.prototype, name)) continue;
        target[name] = () => undefined;
      }
    };
    expect(() => loop(false)).toThrow(TypeError);
    expect(() => loop(true)).not.toThrow();
    expect(typeof target.getOption).toBe('function');
  });

  it('fails loudly when ECharts changes the code', () => {
    expect(() => patchEchartsScheduler('function mockMethods() {}', id)).toThrow(/frozen-prototype patch/);
  });
});
