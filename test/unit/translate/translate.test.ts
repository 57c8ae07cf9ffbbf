import { expect } from 'chai';
import fc from 'fast-check';
import type { Ingress } from '../../../src/model/ingress.ts';
import type { MemberFacts } from '../../../src/model/member-facts.ts';
import type { TranslateInput } from '../../../src/model/translate.ts';
import { TranslateError } from '../../../src/model/translate.ts';
import { isValidGceName } from '../../../src/naming/gce-names.ts';
import { isMulticlusterIngress } from '../../../src/translate/ingress-class.ts';
import {
  MemberAnnotationError,
  negAnnotationValue,
  parseInstanceGroups,
  parseNegStatus,
} from '../../../src/translate/member-annotations.ts';
import { ingressSelectsCluster } from '../../../src/translate/select-clusters.ts';
import { toRouting } from '../../../src/translate/to-url-map.ts';
import { translate } from '../../../src/translate/translate.ts';

const options = { project: 'p', instanceId: 'uid-1' };
const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const key = '-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n';

function input(ingress: Ingress, secrets: TranslateInput['secrets'] = {}): TranslateInput {
  const facts: MemberFacts = {
    reachable: true,
    services: { web: { ports: [{ port: 80 }] } },
    negStatus: {},
    nodeTags: ['n'],
  };
  return {
    ingress,
    clusters: [{ name: 'a', labels: { 'kubemci.io/enabled': 'true' } }],
    memberFacts: { a: facts },
    secrets,
  };
}

const web = { service: { name: 'web', port: { number: 80 } } };

describe('translate: ingress class', () => {
  const cases: Array<[string, Ingress, boolean]> = [
    ['annotation kubemci', { metadata: { annotations: { 'kubernetes.io/ingress.class': 'kubemci' } } }, true],
    [
      'annotation gce-multi-cluster',
      { metadata: { annotations: { 'kubernetes.io/ingress.class': 'gce-multi-cluster' } } },
      true,
    ],
    ['ingressClassName kubemci', { spec: { ingressClassName: 'kubemci' } }, true],
    [
      'annotation wins over spec',
      {
        metadata: { annotations: { 'kubernetes.io/ingress.class': 'gce' } },
        spec: { ingressClassName: 'kubemci' },
      },
      false,
    ],
    ['another class', { spec: { ingressClassName: 'nginx' } }, false],
    ['no class', {}, false],
  ];
  for (const [title, ingress, expected] of cases) {
    it(title, () => expect(isMulticlusterIngress(ingress)).to.equal(expected));
  }
});

describe('translate: cluster selection', () => {
  const ingress = { metadata: { annotations: { 'kubemci.io/cluster-selector': 'region=us' } } };
  it('needs the opt-in label and the selector', () => {
    expect(ingressSelectsCluster(ingress, { 'kubemci.io/enabled': 'true', region: 'us' })).to.equal(true);
    expect(ingressSelectsCluster(ingress, { region: 'us' })).to.equal(false);
    expect(ingressSelectsCluster(ingress, { 'kubemci.io/enabled': 'true', region: 'eu' })).to.equal(false);
    expect(ingressSelectsCluster({}, { 'kubemci.io/enabled': 'true' })).to.equal(true);
  });
  it('throws on a broken selector, for the pipeline to treat as selecting', () => {
    expect(() =>
      ingressSelectsCluster(
        { metadata: { annotations: { 'kubemci.io/cluster-selector': 'a in (' } } },
        { 'kubemci.io/enabled': 'true' },
      ),
    ).to.throw(/expected/);
  });
});

describe('translate: member annotations', () => {
  it('parses neg-status', () => {
    expect(
      parseNegStatus(
        '{"network_endpoint_groups":{"80":"k8s1-neg"},"zones":["us-central1-a","us-central1-b"]}',
      ),
    ).to.deep.equal({
      networkEndpointGroups: { '80': 'k8s1-neg' },
      zones: ['us-central1-a', 'us-central1-b'],
    });
  });
  it('parses the instance-groups annotation', () => {
    expect(
      parseInstanceGroups(
        '[{"Name":"k8s-ig--abc","Zone":"https://www.googleapis.com/compute/v1/projects/p/zones/z"}]',
      ),
    ).to.deep.equal([
      { name: 'k8s-ig--abc', zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/z' },
    ]);
  });
  for (const [title, parse, value] of [
    ['neg-status: not JSON', parseNegStatus, '{'],
    ['neg-status: wrong shape', parseNegStatus, '{"network_endpoint_groups":{"80":1}}'],
    ['neg-status: zones not a list', parseNegStatus, '{"zones":"a"}'],
    ['instance-groups: not a list', parseInstanceGroups, '{}'],
    ['instance-groups: entry without Zone', parseInstanceGroups, '[{"Name":"x"}]'],
  ] as const) {
    it(`rejects ${title}`, () => expect(() => parse(value)).to.throw(MemberAnnotationError));
  }
  it('writes the standalone NEG annotation, sorted and without duplicates', () => {
    expect(negAnnotationValue([8080, 80, 80])).to.equal('{"exposed_ports":{"80":{},"8080":{}}}');
  });
});

describe('translate: path types', () => {
  const cases: Array<[string | undefined, string, string[]]> = [
    ['/a', 'Exact', ['/a']],
    ['/a', 'Prefix', ['/a', '/a/*']],
    ['/a/', 'Prefix', ['/a', '/a/*']],
    ['/', 'Prefix', ['/*']],
    ['/a/*', 'ImplementationSpecific', ['/a/*']],
    ['/a', 'ImplementationSpecific', ['/a']],
    [undefined, 'ImplementationSpecific', ['/*']],
  ];
  for (const [path, pathType, expected] of cases) {
    it(`${pathType} ${String(path)} -> ${expected.join(' ')}`, () => {
      const { routing, errors } = toRouting({
        rules: [{ http: { paths: [{ path, pathType, backend: web }] } }],
      });
      expect(errors).to.deep.equal([]);
      expect([...routing.hosts[0]!.paths.keys()].sort()).to.deep.equal(expected);
    });
  }
});

describe('translate: certificates', () => {
  const ingress = (): Ingress => ({
    metadata: { namespace: 'shop', name: 'x' },
    spec: { defaultBackend: web, tls: [{ secretName: 'tls' }] },
  });
  it('gives a rotated Secret a new certificate and points the proxy at it', () => {
    const before = translate(input(ingress(), { tls: { 'tls.crt': cert, 'tls.key': key } }), options);
    const after = translate(
      input(ingress(), { tls: { 'tls.crt': cert.replace('AAAA', 'CCCC'), 'tls.key': key } }),
      options,
    );
    const certName = (r: typeof before) => r.desired.find((d) => d.kind === 'sslCertificates')!.name;
    expect(certName(after)).to.not.equal(certName(before));
    const proxy = after.desired.find((d) => d.kind === 'targetHttpsProxies')!;
    expect(proxy.body.sslCertificates).to.deep.equal([
      `https://www.googleapis.com/compute/v1/projects/p/global/sslCertificates/${certName(after)}`,
    ]);
    expect(proxy.dependsOn).to.deep.include({ kind: 'sslCertificates', name: certName(after) });
  });
  it('prints the private key redacted', () => {
    const result = translate(input(ingress(), { tls: { 'tls.crt': cert, 'tls.key': key } }), options);
    expect(JSON.stringify(result)).to.not.include('BBBB');
  });
});

// Arbitrary (mostly nonsense) Ingresses, clusters and facts: translate must stay total.
const word = fc.constantFrom('web', 'api', '', 'x.y', 'Bad_Name', 'a'.repeat(70));
const backendArb = fc.record(
  {
    service: fc.record(
      {
        name: word,
        port: fc.record({ number: fc.integer({ min: -1, max: 70000 }), name: word }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    resource: fc.constant({ kind: 'Bucket', name: 'b' }),
  },
  { requiredKeys: [] },
);
const pathArb = fc.record({
  path: fc.option(fc.constantFrom('/', '/a', '/a/', '/a/*', '*', 'a', '/a?b', '/x*y', ''), {
    nil: undefined,
  }),
  pathType: fc.option(fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific', 'Regex'), {
    nil: undefined,
  }),
  backend: backendArb,
});
const ingressArb = fc.record(
  {
    metadata: fc.record(
      {
        namespace: fc.constantFrom('shop', ''),
        name: fc.constantFrom('x', 'www.example.com'),
        annotations: fc.dictionary(
          fc.constantFrom(
            'kubemci.io/backend-mode',
            'kubemci.io/cluster-selector',
            'kubernetes.io/ingress.allow-http',
            'kubernetes.io/ingress.global-static-ip-name',
            'ingress.gcp.kubernetes.io/pre-shared-cert',
          ),
          fc.constantFrom('neg', 'instance-group', 'false', 'true', 'a=b', 'a in (', 'ip', 'c1,c2', ''),
        ),
      },
      { requiredKeys: [] },
    ),
    spec: fc.record(
      {
        defaultBackend: backendArb,
        rules: fc.array(
          fc.record(
            {
              host: fc.option(fc.constantFrom('a.com', '*.a.com', ''), { nil: undefined }),
              http: fc.record({ paths: fc.array(pathArb, { maxLength: 3 }) }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        tls: fc.array(
          fc.record({ secretName: fc.option(fc.constantFrom('tls', 'missing'), { nil: undefined }) }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const factsArb: fc.Arbitrary<MemberFacts> = fc.record(
  {
    reachable: fc.boolean(),
    services: fc.dictionary(
      fc.constantFrom('web', 'api'),
      fc.record(
        {
          ports: fc.array(
            fc.record(
              {
                name: fc.constantFrom('http', 'https'),
                port: fc.constantFrom(80, 443),
                targetPort: fc.oneof(fc.constantFrom(8080), fc.constantFrom('http')),
                nodePort: fc.constantFrom(0, 30000, 30001),
                appProtocol: fc.constantFrom('HTTPS', 'kubernetes.io/h2c', 'tcp'),
              },
              { requiredKeys: ['port'] },
            ),
            { maxLength: 2 },
          ),
          readinessProbePaths: fc.dictionary(
            fc.constantFrom('8080', 'http', '80'),
            fc.array(fc.constantFrom('/a', 'b'), { maxLength: 2 }),
          ),
          annotations: fc.dictionary(
            fc.constant('cloud.google.com/app-protocols'),
            fc.constantFrom('{"http":"HTTPS"}', '{', '[]'),
          ),
        },
        { requiredKeys: ['ports'] },
      ),
    ),
    instanceGroups: fc.array(
      fc.record({
        name: fc.constant('ig'),
        zone: fc.constantFrom('z1', 'https://www.googleapis.com/compute/v1/projects/p/zones/z2'),
      }),
      { maxLength: 2 },
    ),
    nodeTags: fc.array(fc.constantFrom('t1', 't2', ''), { maxLength: 2 }),
    network: fc.constantFrom('default', 'projects/h/global/networks/n'),
  },
  { requiredKeys: ['reachable'] },
);

describe('translate: totality', () => {
  it('property: never throws, and desired is valid exactly when there is no error', () => {
    fc.assert(
      fc.property(
        ingressArb,
        fc.array(
          fc.record({
            name: fc.constantFrom('a', 'b', 'c'),
            labels: fc.dictionary(fc.constantFrom('kubemci.io/enabled', 'a'), fc.constantFrom('true', 'b')),
            annotations: fc.dictionary(
              fc.constantFrom('kubemci.io/capacity', 'kubemci.io/drain'),
              fc.constantFrom('0', '0.5', 'true', 'x'),
            ),
          }),
          { maxLength: 3 },
        ),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), factsArb),
        (ingress, clusters, memberFacts) => {
          const result = translate(
            {
              ingress: ingress as Ingress,
              clusters,
              memberFacts,
              secrets: { tls: { 'tls.crt': cert, 'tls.key': key } },
            },
            options,
          );
          for (const error of result.errors) expect(error).to.be.instanceOf(TranslateError);
          if (result.errors.length > 0) expect(result.desired).to.deep.equal([]);
          for (const resource of result.desired)
            expect(isValidGceName(resource.name), resource.name).to.equal(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
