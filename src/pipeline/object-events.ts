import type { ObjectEvent, WatchEvent } from './types.ts';

/** Narrows a watch event to an object change (`added`, `updated`, `deleted`). Never throws. */
export function isObjectEvent<T>(event: WatchEvent<T>): event is ObjectEvent<T> {
  return event.type === 'added' || event.type === 'updated' || event.type === 'deleted';
}
