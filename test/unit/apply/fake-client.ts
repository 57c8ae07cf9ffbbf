import type { ComputeBody, ResourceKind } from '../../../src/model/gce.ts';
import type { WriteResult } from '../../../src/gce/gce-client.ts';
import type { ApplyClient } from '../../../src/apply/run-step.ts';
import type { GceError } from '../../../src/gce/errors.ts';
import { AlreadyExistsError, InUseError, NotFoundError } from '../../../src/gce/errors.ts';
import type { VirtualClock } from './virtual-clock.ts';

/** One write the fake received, with its virtual start and end times. */
export interface FakeCall {
  readonly verb: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly body?: ComputeBody;
  readonly start: number;
  readonly end: number;
}

/**
 * An in-memory project for applier tests: inserts and deletes change a map, every write takes
 * `latencyMs` of virtual time, references (string fields naming `kind/name`) must exist on insert
 * and block deletes, and `failWith` injects an error for a `verb kind/name`.
 */
export class FakeClient implements ApplyClient {
  readonly resources = new Map<string, ComputeBody>();
  readonly calls: FakeCall[] = [];
  readonly failWith = new Map<string, GceError>();
  inFlight = 0;
  maxInFlight = 0;
  readonly #clock: VirtualClock;
  readonly #latencyMs: (verb: string, kind: ResourceKind) => number;

  constructor(
    clock: VirtualClock,
    latencyMs: number | ((verb: string, kind: ResourceKind) => number) = 1000,
  ) {
    this.#clock = clock;
    this.#latencyMs = typeof latencyMs === 'number' ? () => latencyMs : latencyMs;
  }

  insert(kind: ResourceKind, body: ComputeBody): Promise<WriteResult> {
    const name = String(body.name);
    return this.#write('insert', kind, name, body, () => {
      if (this.resources.has(`${kind}/${name}`))
        throw this.#error(AlreadyExistsError, 'insert', kind, name, 409);
      for (const ref of refsOf(body)) {
        if (!this.resources.has(ref)) throw this.#error(NotFoundError, 'insert', kind, ref, 404);
      }
      this.resources.set(`${kind}/${name}`, body);
    });
  }

  update(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#change('update', kind, name, body);
  }

  patch(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#change('patch', kind, name, body);
  }

  setUrlMap(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#change('setUrlMap', kind, name, body);
  }

  setSslCertificates(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#change('setSslCertificates', kind, name, body);
  }

  setTarget(kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#change('setTarget', kind, name, body);
  }

  delete(kind: ResourceKind, name: string): Promise<WriteResult> {
    return this.#write('delete', kind, name, undefined, () => {
      const key = `${kind}/${name}`;
      for (const body of this.resources.values()) {
        if (refsOf(body).includes(key)) throw this.#error(InUseError, 'delete', kind, name, 400);
      }
      this.resources.delete(key);
    });
  }

  #change(verb: string, kind: ResourceKind, name: string, body: ComputeBody): Promise<WriteResult> {
    return this.#write(verb, kind, name, body, () => {
      const key = `${kind}/${name}`;
      const current = this.resources.get(key);
      if (current === undefined) throw this.#error(NotFoundError, verb, kind, name, 404);
      for (const ref of refsOf(body)) {
        if (!this.resources.has(ref)) throw this.#error(NotFoundError, verb, kind, ref, 404);
      }
      this.resources.set(key, { ...current, ...body });
    });
  }

  async #write(
    verb: string,
    kind: ResourceKind,
    name: string,
    body: ComputeBody | undefined,
    effect: () => void,
  ): Promise<WriteResult> {
    const start = this.#clock.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.#clock.sleep(this.#latencyMs(verb, kind));
      this.calls.push({ verb, kind, name, body, start, end: this.#clock.now() });
      const injected = this.failWith.get(`${verb} ${kind}/${name}`);
      if (injected) throw injected;
      effect();
      return {
        method: `compute.${kind}.${verb}`,
        operation: { name: `op-${this.calls.length}`, status: 'DONE' },
      };
    } finally {
      this.inFlight--;
    }
  }

  #error(
    cls: new (m: string, d: { method: string; status: number }) => GceError,
    verb: string,
    kind: string,
    name: string,
    status: number,
  ): GceError {
    return new cls(`${verb} ${kind}/${name}`, { method: `compute.${kind}.${verb}`, status });
  }
}

/** References in a body: string values (or string array items) of the form `kind/name`. */
function refsOf(body: ComputeBody): string[] {
  return Object.values(body)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v): v is string => typeof v === 'string' && /^[a-zA-Z]+\/[a-z0-9-]+$/.test(v));
}
