import { expect } from 'chai';
import {
  AmbiguousLoadBalancerError,
  findLoadBalancer,
  summarizeLoadBalancers,
} from '../../../src/cli/kubemci/lb-state.ts';
import type { ObservedResource } from '../../../src/model/gce.ts';
import { ownershipDescription } from '../../../src/naming/ownership.ts';

const BASE = 'https://www.googleapis.com/compute/v1/projects/p/';
const mine = (namespace: string, name: string) =>
  ownershipDescription({ instanceId: 'kubemci-cli', namespace, name });

function backendService(
  namespace: string,
  lb: string,
  backends: Record<string, unknown>[],
): ObservedResource {
  return {
    kind: 'backendServices',
    name: `mci2-bs-${lb}`,
    body: { description: mine(namespace, lb), backends },
  };
}

const neg = (zone: string, cluster?: string) => ({
  group: `${BASE}zones/${zone}/networkEndpointGroups/k8s1-x`,
  ...(cluster === undefined ? {} : { description: JSON.stringify({ cluster }) }),
});

describe('kubemci CLI: load balancers from GCE state', () => {
  const observed: ObservedResource[] = [
    backendService('web', 'shop', [
      neg('us-central1-a', 'b'),
      neg('us-central1-b', 'a'),
      neg('europe-west1-b', 'a'),
    ]),
    {
      kind: 'globalForwardingRules',
      name: 'mci2-fr-shop',
      body: { description: mine('web', 'shop'), IPAddress: '203.0.113.7', portRange: '80-80' },
    },
    {
      kind: 'addresses',
      name: 'mci2-ad-cart',
      body: { description: mine('web', 'cart'), address: '203.0.113.9' },
    },
    backendService('web', 'cart', [{ group: `${BASE}zones/asia-east1-a/instanceGroups/k8s-ig--1` }]),
    // Another instance's (a controller's) and a foreign resource: never ours.
    {
      kind: 'urlMaps',
      name: 'mci2-um-x',
      body: { description: ownershipDescription({ instanceId: 'uid-1', namespace: 'web', name: 'x' }) },
    },
    { kind: 'urlMaps', name: 'mci2-um-y', body: { description: 'made by hand' } },
    { kind: 'urlMaps', name: 'mci2-um-shop', body: { description: mine('other', 'shop') } },
  ];

  it('groups our resources by load balancer with VIP, clusters, groups and mode', () => {
    const states = summarizeLoadBalancers(observed, 'kubemci-cli');
    expect(states.map((s) => `${s.namespace}/${s.name}`)).to.deep.equal([
      'other/shop',
      'web/cart',
      'web/shop',
    ]);
    const shop = states[2]!;
    expect(shop.ipAddress).to.equal('203.0.113.7');
    expect(shop.clusters).to.deep.equal(['a', 'b']);
    expect(shop.backendMode).to.equal('neg');
    expect(shop.groups).to.deep.equal({
      a: [
        `${BASE}zones/europe-west1-b/networkEndpointGroups/k8s1-x`,
        `${BASE}zones/us-central1-b/networkEndpointGroups/k8s1-x`,
      ],
      b: [`${BASE}zones/us-central1-a/networkEndpointGroups/k8s1-x`],
    });
    expect(shop.resources).to.deep.equal([
      { kind: 'backendServices', name: 'mci2-bs-shop' },
      { kind: 'globalForwardingRules', name: 'mci2-fr-shop' },
    ]);
    const cart = states[1]!;
    // No forwarding rule yet: the VIP is our address's; groups without a marker have no cluster.
    expect(cart).to.deep.include({ ipAddress: '203.0.113.9', clusters: [], backendMode: 'instance-group' });
    expect(Object.keys(cart.groups)).to.deep.equal(['']);
    expect(states[0]).to.deep.include({
      clusters: [],
      resources: [{ kind: 'urlMaps', name: 'mci2-um-shop' }],
    });
    expect(states[0]!.ipAddress).to.equal(undefined);
    expect(summarizeLoadBalancers(observed, 'uid-1').map((s) => s.name)).to.deep.equal(['x']);
  });

  it('finds a load balancer by name, by namespace when the name is in several', () => {
    const states = summarizeLoadBalancers(observed, 'kubemci-cli');
    expect(findLoadBalancer(states, 'cart')?.namespace).to.equal('web');
    expect(findLoadBalancer(states, 'shop', 'other')?.namespace).to.equal('other');
    expect(findLoadBalancer(states, 'nope')).to.equal(undefined);
    expect(() => findLoadBalancer(states, 'shop')).to.throw(
      AmbiguousLoadBalancerError,
      /namespaces other, web/,
    );
  });
});
