// Display formatting. Decimals arrive from Rust as strings and are formatted here *as strings*:
// rounding (half to even) and grouping are done on the digits, never through a JavaScript
// number, so no figure is ever rounded twice or shown with binary floating-point noise.

/** The separators of a locale's number format. */
export interface Separators {
  group: string;
  decimal: string;
  minus: string;
}

const separatorCache = new Map<string, Separators>();

/** The locale's group, decimal and minus signs (read once from Intl, then cached). */
export function separators(locale: string): Separators {
  const hit = separatorCache.get(locale);
  if (hit) return hit;
  const seps: Separators = { group: ',', decimal: '.', minus: '-' };
  try {
    // Only the separators are read from this sample; no value of ours goes through Intl.
    for (const part of new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(-1234567.5)) {
      if (part.type === 'group') seps.group = part.value;
      else if (part.type === 'decimal') seps.decimal = part.value;
      else if (part.type === 'minusSign') seps.minus = part.value;
    }
  } catch {
    // An unknown locale keeps the defaults.
  }
  separatorCache.set(locale, seps);
  return seps;
}

/** A plain decimal string split into its parts. */
interface Parsed {
  negative: boolean;
  int: string; // no leading zeros, "0" at least
  frac: string;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

function parse(value: string): Parsed | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  if (intDigits === '' && fracDigits === '') return null;
  return { negative: m[1] === '-', int: intDigits.replace(/^0+(?=\d)/, '') || '0', frac: fracDigits };
}

/** Whether a string is a plain decimal number (no exponent, no separators). */
export function isDecimal(value: string): boolean {
  return parse(value) !== null;
}

/** Add one to a string of digits ("0999" → "1000"). */
function incrementDigits(digits: string): string {
  const out = digits.split('');
  let i = out.length - 1;
  while (i >= 0) {
    if (out[i] === '9') {
      out[i] = '0';
      i -= 1;
    } else {
      out[i] = String.fromCharCode(out[i].charCodeAt(0) + 1);
      return out.join('');
    }
  }
  return '1' + out.join('');
}

function isZero(digits: string): boolean {
  return /^0*$/.test(digits);
}

/**
 * Round a decimal string to `decimals` places, half to even (banker's rounding), on the digits.
 * The result always has exactly `decimals` places ("1.5" → "2", "2.5" → "2", "-0.125" at 2 →
 * "-0.12"). A result that rounds to zero has no minus sign. Throws a RangeError on a string that
 * is not a plain decimal.
 */
export function roundHalfEven(value: string, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`bad decimal places: ${decimals}`);
  const p = parse(value);
  if (!p) throw new RangeError(`not a decimal number: ${JSON.stringify(value)}`);
  let { int, frac } = p;
  if (frac.length <= decimals) {
    frac = frac.padEnd(decimals, '0');
  } else {
    const kept = frac.slice(0, decimals);
    const rest = frac.slice(decimals);
    const first = rest[0];
    let up: boolean;
    if (first > '5') up = true;
    else if (first < '5') up = false;
    else if (!isZero(rest.slice(1))) up = true;
    else {
      // An exact tie: round to the even neighbour.
      const last = (int + kept).slice(-1);
      up = '13579'.includes(last);
    }
    let digits = int + kept;
    if (up) digits = incrementDigits(digits);
    int = digits.slice(0, digits.length - decimals) || '0';
    int = int.replace(/^0+(?=\d)/, '');
    frac = digits.slice(digits.length - decimals);
  }
  const negative = p.negative && !(isZero(int) && isZero(frac));
  return (negative ? '-' : '') + int + (decimals > 0 ? '.' + frac : '');
}

/** Group a string of integer digits in threes with the given separator. */
export function groupDigits(int: string, group: string): string {
  let out = '';
  for (let i = 0; i < int.length; i += 1) {
    if (i > 0 && (int.length - i) % 3 === 0) out += group;
    out += int[i];
  }
  return out;
}

/**
 * Format a decimal string for display in a locale: rounded half to even to `decimals` places
 * (or every digit kept when `decimals` is undefined), the integer part grouped in threes with
 * the locale's separator. A string that is not a plain decimal is returned unchanged.
 */
export function formatDecimal(value: string, locale: string, decimals?: number): string {
  const raw = decimals === undefined ? value.trim() : null;
  let text: string;
  if (raw !== null) {
    const p = parse(raw);
    if (!p) return value;
    const negative = p.negative && !(isZero(p.int) && isZero(p.frac));
    text = (negative ? '-' : '') + p.int + (p.frac ? '.' + p.frac : '');
  } else {
    if (!isDecimal(value)) return value;
    text = roundHalfEven(value, decimals!);
  }
  const seps = separators(locale);
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [int, frac] = body.split('.');
  return (negative ? seps.minus : '') + groupDigits(int, seps.group) + (frac !== undefined ? seps.decimal + frac : '');
}

/** Format a count (an integer such as a number of rows) for a locale. */
export function formatCount(n: number, locale: string): string {
  return formatDecimal(String(Math.trunc(n)), locale);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Format an ISO date (YYYY-MM-DD) for a locale, e.g. "31 Mar 2023" / "2023年3月31日". The date is
 * read as a calendar date (UTC), so no time zone can move it. Anything else is returned unchanged.
 */
export function formatDate(iso: string, locale: string): string {
  const m = ISO_DATE.exec(iso.trim());
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return iso;
  try {
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
  } catch {
    return iso;
  }
}
