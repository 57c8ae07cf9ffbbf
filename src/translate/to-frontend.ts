import type { ComputeBody, DesiredResource, ResourceRef } from '../model/gce.ts';
import { resourceUrl } from '../model/gce-urls.ts';
import { frontendNames } from '../naming/gce-names.ts';
import type { IngressIdentity } from '../naming/gce-names.ts';
import { ownershipDescription } from '../naming/ownership.ts';

/** What the frontend is built from. */
export interface FrontendInput {
  readonly owner: IngressIdentity;
  readonly project: string;
  readonly urlMapBody: ComputeBody;
  /** The backend services the URL map references. */
  readonly backendServices: readonly string[];
  readonly staticIpName: string | undefined;
  readonly allowHttp: boolean;
  /** The certificates of the HTTPS proxy, in order; none means no HTTPS frontend. */
  readonly certificates: readonly string[];
}

/**
 * The address, URL map, proxies and forwarding rules. The address is the user's reserved one
 * (external: checked, never created or deleted) or one we reserve. Forwarding rules name the
 * address by URL; GCE stores the literal IP, which plan resolves through the observed address.
 * HTTP is on port 80 unless disabled; HTTPS on port 443 when there is a certificate.
 */
export function toFrontend(input: FrontendInput): DesiredResource[] {
  const names = frontendNames(input.owner);
  const url = (ref: ResourceRef) => resourceUrl(input.project, ref.kind, ref.name);
  const description = (about: string) => ownershipDescription(input.owner, about);
  const resources: DesiredResource[] = [];

  const address: ResourceRef = { kind: 'addresses', name: input.staticIpName ?? names.address };
  if (input.staticIpName !== undefined) {
    resources.push({ ...address, external: true, dependsOn: [], body: { name: input.staticIpName } });
  } else {
    resources.push({
      ...address,
      dependsOn: [],
      body: {
        name: names.address,
        description: description('address'),
        addressType: 'EXTERNAL',
        ipVersion: 'IPV4',
      },
    });
  }

  const urlMap: ResourceRef = { kind: 'urlMaps', name: names.urlMap };
  resources.push({
    ...urlMap,
    dependsOn: input.backendServices.map((name) => ({ kind: 'backendServices', name })),
    body: input.urlMapBody,
  });

  const forwardingRule = (
    name: string,
    proxy: ResourceRef,
    port: number,
    about: string,
  ): DesiredResource => ({
    kind: 'globalForwardingRules',
    name,
    dependsOn: [proxy, address],
    body: {
      name,
      description: description(about),
      IPAddress: url(address),
      IPProtocol: 'TCP',
      portRange: `${port}-${port}`,
      target: url(proxy),
      loadBalancingScheme: 'EXTERNAL',
    },
  });

  if (input.allowHttp) {
    const proxy: ResourceRef = { kind: 'targetHttpProxies', name: names.targetHttpProxy };
    resources.push({
      ...proxy,
      dependsOn: [urlMap],
      body: { name: proxy.name, description: description('HTTP proxy'), urlMap: url(urlMap) },
    });
    resources.push(forwardingRule(names.httpForwardingRule, proxy, 80, 'HTTP forwarding rule'));
  }
  if (input.certificates.length > 0) {
    const proxy: ResourceRef = { kind: 'targetHttpsProxies', name: names.targetHttpsProxy };
    const certificates: ResourceRef[] = input.certificates.map((name) => ({ kind: 'sslCertificates', name }));
    resources.push({
      ...proxy,
      dependsOn: [urlMap, ...certificates],
      body: {
        name: proxy.name,
        description: description('HTTPS proxy'),
        urlMap: url(urlMap),
        sslCertificates: certificates.map(url),
      },
    });
    resources.push(forwardingRule(names.httpsForwardingRule, proxy, 443, 'HTTPS forwarding rule'));
  }
  return resources;
}
