// What an audit entry changed: the fields of its old and new values (canonical JSON objects).

export interface FieldChange {
  field: string;
  old: string | null;
  new: string | null;
}

function parse(value: string | null): Record<string, unknown> | null {
  if (value === null) return null;
  try {
    const v: unknown = JSON.parse(value);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const show = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The fields that differ between `oldValue` and `newValue`, in key order. A creation lists every
 * field with `old: null`; a deletion every field with `new: null`. Numbers stay as the text
 * the JSON holds (decimals are strings there).
 */
export function changes(oldValue: string | null, newValue: string | null): FieldChange[] {
  const a = parse(oldValue);
  const b = parse(newValue);
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort();
  const out: FieldChange[] = [];
  for (const k of keys) {
    const o = a ? show(a[k]) : null;
    const n = b ? show(b[k]) : null;
    if (o !== n) out.push({ field: k, old: o, new: n });
  }
  return out;
}
