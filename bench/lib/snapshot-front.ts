/**
 * A read-only Compute front for the scale scenario. The emulator's list path presents every
 * resource of a collection for each page, and presenting an address scans every forwarding rule,
 * so listing grows with the square of the resources: 36,000 resources took 143 s to list here,
 * 120,000 would take hours. This front answers `list` and `get` of global resources from a
 * snapshot of what the emulator stored (its own presented bodies, taken once after seeding), with
 * the emulator's own paging and filter code, and refuses (503) and counts anything else: a
 * restarted controller facing a converged world must read, never write.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComputeError, notFound } from '../../test/emulator/errors.ts';
import type { Emulator } from '../../test/emulator/index.ts';
import { paginate } from '../../test/emulator/paging.ts';

/** List kinds as the Compute API names them, by collection. */
const LIST_KIND: Readonly<Record<string, string>> = {
  addresses: 'compute#addressList',
  healthChecks: 'compute#healthCheckList',
  backendServices: 'compute#backendServiceList',
  urlMaps: 'compute#urlMapList',
  targetHttpProxies: 'compute#targetHttpProxyList',
  targetHttpsProxies: 'compute#targetHttpsProxyList',
  sslCertificates: 'compute#sslCertificateList',
  forwardingRules: 'compute#forwardingRuleList',
  firewalls: 'compute#firewallList',
};

type Body = Record<string, unknown>;

/** The global resources of a project, by collection, each sorted by name. */
export class Snapshot {
  readonly #collections = new Map<string, Map<string, Body>>();

  /** Adds what the emulator holds now (global load-balancer collections only). */
  addFrom(emulator: Emulator): number {
    let added = 0;
    for (const r of emulator.state().resources) {
      const m = /^projects\/[^/]+\/global\/([^/]+)\/([^/]+)$/.exec(r.path);
      if (!m || LIST_KIND[m[1]!] === undefined) continue;
      let c = this.#collections.get(m[1]!);
      if (!c) this.#collections.set(m[1]!, (c = new Map()));
      c.set(m[2]!, r.body as Body);
      added++;
    }
    return added;
  }

  /** Every body of a collection, by name. */
  items(collection: string): Body[] {
    return [...(this.#collections.get(collection)?.values() ?? [])].sort((a, b) =>
      String(a.name) < String(b.name) ? -1 : 1,
    );
  }

  get(collection: string, name: string): Body | undefined {
    return this.#collections.get(collection)?.get(name);
  }

  /** Resources held. */
  get size(): number {
    return [...this.#collections.values()].reduce((n, c) => n + c.size, 0);
  }
}

/** What the front served and refused. */
export interface FrontCounts {
  lists: number;
  gets: number;
  refused: number;
}

/** A running front. */
export interface SnapshotFront {
  /** The rootUrl to give a Google client. */
  readonly endpoint: string;
  readonly counts: FrontCounts;
  close(): Promise<void>;
}

/** Serves `snapshot` on 127.0.0.1 for `project`. */
export async function startSnapshotFront(snapshot: Snapshot, project: string): Promise<SnapshotFront> {
  const counts: FrontCounts = { lists: 0, gets: 0, refused: 0 };
  // Sorting a collection once per list, not once per page.
  const sorted = new Map<string, Body[]>();
  const itemsOf = (collection: string) => {
    let items = sorted.get(collection);
    if (!items) sorted.set(collection, (items = snapshot.items(collection)));
    return items;
  };
  const prefix = `/compute/v1/projects/${project}/global/`;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    req.resume();
    req.on('end', () => {
      try {
        const url = new URL(req.url ?? '/', 'http://front.invalid');
        const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length).split('/') : [];
        const [collection, name] = rest;
        if (req.method === 'GET' && collection && LIST_KIND[collection] && rest.length === 1) {
          counts.lists++;
          const q = url.searchParams;
          const page = paginate(
            itemsOf(collection),
            { filter: q.get('filter'), maxResults: q.get('maxResults'), pageToken: q.get('pageToken') },
            (x) => x,
          );
          send(200, {
            kind: LIST_KIND[collection],
            id: `projects/${project}/global/${collection}`,
            ...(page.items.length > 0 ? { items: page.items } : {}),
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          });
          return;
        }
        if (req.method === 'GET' && collection && name && LIST_KIND[collection] && rest.length === 2) {
          counts.gets++;
          const body = snapshot.get(collection, decodeURIComponent(name));
          if (body) send(200, body);
          else send(404, notFound(`projects/${project}/global/${collection}/${name}`).toBody());
          return;
        }
        counts.refused++;
        send(
          503,
          new ComputeError({
            code: 503,
            reason: 'backendError',
            message: 'read-only snapshot front',
          }).toBody(),
        );
      } catch (err) {
        const e =
          err instanceof ComputeError
            ? err
            : new ComputeError({ code: 500, reason: 'internalError', message: String(err), cause: err });
        send(e.code, e.toBody());
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    counts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
