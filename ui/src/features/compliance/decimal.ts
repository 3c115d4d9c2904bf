// Exact arithmetic on the decimal strings the backend sends (tonnes), for the waterfall's steps:
// each string is read as a scaled BigInt, so no figure passes through a binary float. Money is
// never computed here: values at a price come from the backend's position.

/** A decimal as an integer and a count of decimal places. */
interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

function read(value: string): Scaled {
  const m = DECIMAL.exec(value.trim());
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  const units = BigInt((m[2] || '0') + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function aligned(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  const up = (x: Scaled) => x.units * 10n ** BigInt(scale - x.scale);
  return [up(a), up(b), scale];
}

/** The plain decimal text of a scaled integer, without trailing zeros ("-1.50" → "-1.5"). */
function show(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return (negative ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** a − b, exactly. */
export function subtract(a: string, b: string): string {
  const [x, y, scale] = aligned(read(a), read(b));
  return show(x - y, scale);
}

/** a + b, exactly. */
export function add(a: string, b: string): string {
  const [x, y, scale] = aligned(read(a), read(b));
  return show(x + y, scale);
}

/** −1, 0 or 1: the sign of a decimal string. */
export function sign(a: string): -1 | 0 | 1 {
  const { units } = read(a);
  return units < 0n ? -1 : units > 0n ? 1 : 0;
}

/** Whether two decimal strings are the same number ("1.50" and "1.5" are). */
export function same(a: string, b: string): boolean {
  return sign(subtract(a, b)) === 0;
}

/** −a, exactly. */
export function negate(a: string): string {
  return subtract('0', a);
}
