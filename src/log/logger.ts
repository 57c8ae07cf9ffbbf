import winston from 'winston';
import { redact } from './redact.ts';

/** The controller's structured logger: JSON lines on stderr, secrets redacted from every field. */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (e.g. {ingress: "ns/name"}). */
  child(fields: Record<string, unknown>): Logger;
}

const redactFormat = winston.format((info) => {
  const cleaned = redact({ ...info }) as Record<string | symbol, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, cleaned);
  return info;
});

/**
 * Creates the JSON logger. `stream` defaults to stderr, so stdout stays free for commands that
 * print results.
 */
export function createLogger(opts: { level: string; stream?: NodeJS.WritableStream }): Logger {
  const w = winston.createLogger({
    level: opts.level,
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stderr })],
  });
  return wrap(w);
}

function wrap(w: winston.Logger): Logger {
  return {
    error: (m, f) => w.error(m, f),
    warn: (m, f) => w.warn(m, f),
    info: (m, f) => w.info(m, f),
    debug: (m, f) => w.debug(m, f),
    child: (fields) => wrap(w.child(fields)),
  };
}

/** A logger that drops everything, for tests and pure callers. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
