/**
 * The Services, EndpointSlices and Ingresses of one member cluster, listed and watched once and
 * shared by the NEG and instance-group controllers.
 */
import type { V1EndpointSlice, V1Ingress, V1Service } from '@kubernetes/client-node';
import type { KubeClients } from './kube.ts';
import { ListWatchCache, type CacheEvent } from './list-watch.ts';

/** A change to one of the three collections. */
export type ServiceCacheEvent =
  | ({ readonly kind: 'service' } & CacheEvent<V1Service>)
  | ({ readonly kind: 'slice' } & CacheEvent<V1EndpointSlice>)
  | ({ readonly kind: 'ingress' } & CacheEvent<V1Ingress>);

/** The three caches and their subscribers. */
export class ServiceCaches {
  readonly services: ListWatchCache<V1Service>;
  readonly slices: ListWatchCache<V1EndpointSlice>;
  readonly ingresses: ListWatchCache<V1Ingress>;
  readonly #listeners: ((e: ServiceCacheEvent) => void)[] = [];

  constructor(
    clients: KubeClients,
    onError: (err: Error) => void,
    backoff: { initialMs: number; maxMs: number },
  ) {
    const emit = (e: ServiceCacheEvent) => {
      for (const l of this.#listeners) l(e);
    };
    this.services = new ListWatchCache<V1Service>(clients.kc, {
      path: '/api/v1/services',
      list: () => clients.core.listServiceForAllNamespaces(),
      onEvent: (e) => emit({ kind: 'service', ...e }),
      onError,
      backoff,
    });
    this.slices = new ListWatchCache<V1EndpointSlice>(clients.kc, {
      path: '/apis/discovery.k8s.io/v1/endpointslices',
      list: () => clients.discovery.listEndpointSliceForAllNamespaces(),
      onEvent: (e) => emit({ kind: 'slice', ...e }),
      onError,
      backoff,
    });
    this.ingresses = new ListWatchCache<V1Ingress>(clients.kc, {
      path: '/apis/networking.k8s.io/v1/ingresses',
      list: () => clients.networking.listIngressForAllNamespaces(),
      onEvent: (e) => emit({ kind: 'ingress', ...e }),
      onError,
      backoff,
    });
  }

  /** Adds a subscriber (events before {@link start} resolves are delivered too). */
  subscribe(listener: (e: ServiceCacheEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** Starts the three list-watches and resolves once each has listed. */
  async start(): Promise<void> {
    this.services.start();
    this.slices.start();
    this.ingresses.start();
    await Promise.all([this.services.synced, this.slices.synced, this.ingresses.synced]);
  }

  /** Stops the three list-watches. */
  async stop(): Promise<void> {
    await Promise.all([this.services.stop(), this.slices.stop(), this.ingresses.stop()]);
  }
}
