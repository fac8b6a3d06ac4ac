/**
 * Deep freezing for the sim's stored objects (apiserver/store.ts), and a record of what was
 * deep-frozen, so code may trust that a value, and everything it holds, will never change
 * (json.ts works out the canonical text of such a value once). A value frozen some other way
 * (Object.freeze freezes one level) is not trusted.
 */

const deeplyFrozen = new WeakSet<object>();

/** Freeze a value and everything it holds; parts frozen this way before are not walked again. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || deeplyFrozen.has(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  Object.freeze(value);
  deeplyFrozen.add(value);
  return value;
}

/** Whether `value` went through deepFreeze: it and everything it holds are frozen. */
export function isDeepFrozen(value: object): boolean {
  return deeplyFrozen.has(value);
}
