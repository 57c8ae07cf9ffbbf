/**
 * Shared setup for the emulator conformance suite: an emulator per suite, the real
 * `@googleapis/compute` client pointed at it (with or without a bearer token), an assertion for
 * Google-shaped errors as gaxios surfaces them, and builders for the load-balancer graph.
 */
import { readFileSync } from 'node:fs';
import { compute } from '@googleapis/compute';
import type { compute_v1 } from '@googleapis/compute';
import { expect } from 'chai';
import { OAuth2Client } from 'google-auth-library';
import type { Emulator, StartOptions } from '../../emulator/index.ts';
import { startEmulator } from '../../emulator/index.ts';

/** The project every suite uses. */
export const PROJECT = 'test-project';
/** Zone used for zonal resources. */
export const ZONE = 'us-central1-a';
/** Google's link base, which the emulator writes by default. */
export const BASE = 'https://www.googleapis.com/compute/v1/';

/** A full URL of a project-relative path such as `global/healthChecks/hc`. */
export function url(path: string): string {
  return `${BASE}projects/${PROJECT}/${path}`;
}

/** A compute client on the emulator; `token` adds an OAuth2 bearer token as a real caller would. */
export function client(gce: Emulator, token = false): compute_v1.Compute {
  if (!token) return compute({ version: 'v1', rootUrl: gce.endpoint, retry: false });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'x' });
  // @googleapis/compute types its `auth` against its own nested copy of google-auth-library; the
  // top-level OAuth2Client is the same class at run time (the request carries `Bearer x`).
  return compute({
    version: 'v1',
    rootUrl: gce.endpoint,
    retry: false,
    auth: auth as unknown as compute_v1.Options['auth'],
  });
}

/** Starts an emulator before the suite and resets it (state and configuration) before each test. */
export function useEmulator(opts: StartOptions = {}): { gce: Emulator; api: compute_v1.Compute } {
  const ctx = {} as { gce: Emulator; api: compute_v1.Compute };
  before(async () => {
    ctx.gce = await startEmulator({ project: PROJECT, ...opts });
    ctx.api = client(ctx.gce);
  });
  beforeEach(() => ctx.gce.reset({ config: true }));
  after(async () => {
    await ctx.gce?.close();
  });
  return ctx;
}

/** The body and status of a failed call, as gaxios reports them. */
export interface ApiFailure {
  status: number;
  reason: string;
  message: string;
  body: {
    error: {
      code: number;
      message: string;
      errors: { reason: string; domain: string; message: string }[];
      status: string;
    };
  };
}

/** Awaits a call that must fail, checks the HTTP status (and reason), and returns the failure. */
export async function expectApiError(
  promise: Promise<unknown>,
  status: number,
  reason?: string,
): Promise<ApiFailure> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'the call should have failed').to.be.instanceOf(Error);
  const e = caught as { status?: number; response?: { status: number; data: ApiFailure['body'] } };
  expect(e.response?.status, JSON.stringify(e.response?.data)).to.equal(status);
  const body = e.response?.data as ApiFailure['body'];
  const first = body.error.errors[0] as { reason: string };
  if (reason) expect(first.reason, body.error.message).to.equal(reason);
  return { status: e.response?.status as number, reason: first.reason, message: body.error.message, body };
}

/** A PEM chain (leaf for shop.example.com and www.shop.example.com, plus its CA) and keys. */
export const TLS = {
  chain: readFileSync(new URL('./fixtures/shop-chain.pem', import.meta.url), 'utf8'),
  key: readFileSync(new URL('./fixtures/shop.key', import.meta.url), 'utf8'),
  otherKey: readFileSync(new URL('./fixtures/other.key', import.meta.url), 'utf8'),
};

/** Inserts a health check `name` (HTTP, defaults). */
export async function healthCheck(api: compute_v1.Compute, name = 'hc'): Promise<void> {
  await api.healthChecks.insert({ project: PROJECT, requestBody: { name, type: 'HTTP' } });
}

/** Inserts a VM and an instance group holding it, with named port http:30080. */
export async function instanceGroup(
  gce: Emulator,
  api: compute_v1.Compute,
  name = 'ig',
  vm = `${name}-vm`,
): Promise<string> {
  gce.addInstance({ zone: ZONE, name: vm });
  await api.instanceGroups.insert({
    project: PROJECT,
    zone: ZONE,
    requestBody: { name, namedPorts: [{ name: 'http', port: 30080 }] },
  });
  await api.instanceGroups.addInstances({
    project: PROJECT,
    zone: ZONE,
    instanceGroup: name,
    requestBody: { instances: [{ instance: `zones/${ZONE}/instances/${vm}` }] },
  });
  return url(`zones/${ZONE}/instanceGroups/${name}`);
}

/** Inserts a GCE_VM_IP_PORT NEG `name` (default port 8080) and returns its URL. */
export async function neg(api: compute_v1.Compute, name = 'neg'): Promise<string> {
  await api.networkEndpointGroups.insert({
    project: PROJECT,
    zone: ZONE,
    requestBody: { name, networkEndpointType: 'GCE_VM_IP_PORT', defaultPort: 8080 },
  });
  return url(`zones/${ZONE}/networkEndpointGroups/${name}`);
}

/**
 * Builds the whole HTTP and HTTPS load-balancer graph: hc → bs (one IG backend) → um → http and
 * https proxies (cert `cert`) → forwarding rules fr-http / fr-https on reserved address `vip`.
 */
export async function loadBalancer(gce: Emulator, api: compute_v1.Compute): Promise<void> {
  await healthCheck(api);
  const group = await instanceGroup(gce, api);
  await api.backendServices.insert({
    project: PROJECT,
    requestBody: {
      name: 'bs',
      portName: 'http',
      healthChecks: ['global/healthChecks/hc'],
      backends: [{ group }],
    },
  });
  await api.urlMaps.insert({
    project: PROJECT,
    requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
  });
  await api.sslCertificates.insert({
    project: PROJECT,
    requestBody: { name: 'cert', certificate: TLS.chain, privateKey: TLS.key },
  });
  await api.targetHttpProxies.insert({
    project: PROJECT,
    requestBody: { name: 'http', urlMap: 'global/urlMaps/um' },
  });
  await api.targetHttpsProxies.insert({
    project: PROJECT,
    requestBody: {
      name: 'https',
      urlMap: 'global/urlMaps/um',
      sslCertificates: ['global/sslCertificates/cert'],
    },
  });
  await api.globalAddresses.insert({ project: PROJECT, requestBody: { name: 'vip' } });
  await api.globalForwardingRules.insert({
    project: PROJECT,
    requestBody: {
      name: 'fr-http',
      target: 'global/targetHttpProxies/http',
      portRange: '80',
      IPAddress: 'global/addresses/vip',
    },
  });
  await api.globalForwardingRules.insert({
    project: PROJECT,
    requestBody: {
      name: 'fr-https',
      target: 'global/targetHttpsProxies/https',
      portRange: '443',
      IPAddress: 'global/addresses/vip',
    },
  });
}
