/**
 * EventBridge's matching for the part of the pattern language this product uses: nested objects
 * and arrays of exact values, matched case-sensitively, where an array field of the event matches
 * when any of its values does. Any other pattern construct (prefix, numeric, exists, ...) throws,
 * so a test can never pass by ignoring part of a pattern.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown>)[field];
    if (Array.isArray(expected)) {
      const unsupported = expected.find((value) => value !== null && typeof value === 'object');
      if (unsupported) throw new Error(`pattern filter ${JSON.stringify(unsupported)} is not supported by this matcher`);
      if (actual === undefined) return false;
      return (Array.isArray(actual) ? actual : [actual]).some((value) => expected.includes(value));
    }
    if (expected !== null && typeof expected === 'object') return matchesEventPattern(expected as Record<string, unknown>, actual);
    throw new Error(`pattern field ${field} must be an array or an object`);
  });
}
