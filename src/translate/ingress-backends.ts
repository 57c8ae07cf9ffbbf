import type { IngressBackend } from '../model/ingress.ts';
import { TranslateError } from '../model/translate.ts';

/** A Service backend of the Ingress: one Service port, by number or by name, as written. */
export interface BackendRef {
  /** `service:port`, unique per backend (Service names cannot hold `:`, port names hold a letter). */
  readonly key: string;
  readonly service: string;
  readonly port: number | string;
}

/** The backend an Ingress backend names, or the error that it names none we can serve. */
export function backendRefOf(backend: IngressBackend, where: string): BackendRef | TranslateError {
  if (backend.resource !== undefined || backend.service === undefined) {
    return new TranslateError('UnsupportedBackend', `${where}: only Service backends are supported`);
  }
  const { name, port } = backend.service;
  if (typeof name !== 'string' || name === '') {
    return new TranslateError('UnsupportedBackend', `${where}: the Service has no name`);
  }
  const hasNumber = port?.number !== undefined;
  const hasName = port?.name !== undefined && port.name !== '';
  if (hasNumber === hasName) {
    return new TranslateError('UnsupportedBackend', `${where}: give the Service port by number or by name`);
  }
  if (hasNumber) {
    const number = port!.number!;
    if (!Number.isInteger(number) || number < 1 || number > 65535) {
      return new TranslateError('UnsupportedBackend', `${where}: port ${number} is not a port number`);
    }
    return { key: `${name}:${number}`, service: name, port: number };
  }
  return { key: `${name}:${port!.name!}`, service: name, port: port!.name! };
}

/** `web port 80` / `web port http`, for messages and descriptions. */
export function describeBackend(ref: BackendRef): string {
  return `${ref.service} port ${ref.port}`;
}
