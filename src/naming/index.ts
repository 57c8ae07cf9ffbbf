/** The naming module: every GCE name and the ownership marker. Pure; no I/O. */
export * from './gce-names.ts';
export * from './ownership.ts';
export { sanitizeField, trimFieldsEvenly } from './trim.ts';
export { shortHash } from './hash.ts';
