/**
 * EventBridge's matching for the part of the pattern language this product uses: nested objects,
 * arrays of exact values (case-sensitive), `{ "prefix": ... }` and `$or`. An array field of the event
 * matches when any of its values does. Any other construct (numeric, exists, anything-but, ...)
 * throws, so a test can never pass by ignoring part of a pattern.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    if (field === '$or') return (expected as Record<string, unknown>[]).some((alternative) => matchesEventPattern(alternative, event));
    const actual = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) {
      if (actual === undefined) return false;
      return (Array.isArray(actual) ? actual : [actual]).some((value) => expected.some((filter) => matchesValue(filter, value)));
    }
    if (expected !== null && typeof expected === 'object') return matchesEventPattern(expected as Record<string, unknown>, actual);
    throw new Error(`pattern field ${field} must be an array or an object`);
  });
}

function matchesValue(filter: unknown, value: unknown): boolean {
  if (filter === null || typeof filter !== 'object') return filter === value;
  const entries = Object.entries(filter);
  if (entries.length === 1 && entries[0]![0] === 'prefix') return typeof value === 'string' && value.startsWith(String(entries[0]![1]));
  throw new Error(`pattern filter ${JSON.stringify(filter)} is not supported by this matcher`);
}
