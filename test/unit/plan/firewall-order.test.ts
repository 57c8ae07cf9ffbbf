import { expect } from 'chai';
import type { ComputeBody } from '../../../src/model/gce.ts';
import type { PlanStep } from '../../../src/model/plan.ts';
import { classifyFirewallChange, orderAroundFirewalls } from '../../../src/plan/firewall-order.ts';

const rule = (over: Record<string, unknown> = {}): ComputeBody => ({
  name: 'mci2-fw-x',
  description: 'ours',
  network: 'projects/demo-project/global/networks/default',
  direction: 'INGRESS',
  priority: 1000,
  sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'],
  targetTags: ['node-a', 'node-b'],
  allowed: [{ IPProtocol: 'tcp', ports: ['80', '8080'] }],
  ...over,
});
const judge = (observed: ComputeBody, desired: ComputeBody) =>
  classifyFirewallChange('update', observed, desired);
const opens = { opens: true, closes: false };
const closes = { opens: false, closes: true };
const both = { opens: true, closes: true };
const neither = { opens: false, closes: false };

describe('plan: classifying a firewall change', () => {
  it('judges creates as opening, deletes as closing, recreates as both and nothing as neither', () => {
    expect(classifyFirewallChange('create', undefined, rule())).to.deep.equal(opens);
    expect(classifyFirewallChange('delete', rule(), undefined)).to.deep.equal(closes);
    expect(classifyFirewallChange('recreate', rule(), rule({ network: 'global/networks/b' }))).to.deep.equal(
      both,
    );
    expect(classifyFirewallChange('nothing', rule(), rule())).to.deep.equal(neither);
  });

  it('judges ports: added opens, removed closes, swapped does both', () => {
    expect(
      judge(rule(), rule({ allowed: [{ IPProtocol: 'tcp', ports: ['80', '8080', '81'] }] })),
    ).to.deep.equal(opens);
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }] }))).to.deep.equal(closes);
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'tcp', ports: ['81', '8080'] }] }))).to.deep.equal(
      both,
    );
  });

  it('reads protocols without case, ranges as ranges, and a list without ports as every port', () => {
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'TCP', ports: ['8080', '80'] }] }))).to.deep.equal(
      neither,
    );
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'tcp', ports: ['1-9000'] }] }))).to.deep.equal(opens);
    expect(
      judge(
        rule({ allowed: [{ IPProtocol: 'tcp', ports: ['80-80'] }] }),
        rule({ allowed: [{ IPProtocol: 'tcp', ports: ['80'] }] }),
      ),
    ).to.deep.equal(neither);
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'tcp' }] }))).to.deep.equal(opens);
    expect(judge(rule({ allowed: [{ IPProtocol: 'tcp' }] }), rule())).to.deep.equal(closes);
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'all' }] }))).to.deep.equal(opens);
    expect(judge(rule(), rule({ allowed: [{ IPProtocol: 'udp', ports: ['80', '8080'] }] }))).to.deep.equal(
      both,
    );
  });

  it('judges node tags and source ranges, an empty group meaning everything', () => {
    expect(judge(rule(), rule({ targetTags: ['node-a', 'node-b', 'node-c'] }))).to.deep.equal(opens);
    expect(judge(rule(), rule({ targetTags: ['node-a'] }))).to.deep.equal(closes);
    expect(judge(rule(), rule({ targetTags: ['node-b', 'node-a'] }))).to.deep.equal(neither);
    expect(judge(rule(), rule({ sourceRanges: ['35.191.0.0/16'] }))).to.deep.equal(closes);
    expect(
      judge(rule(), rule({ sourceRanges: ['35.191.0.0/16', '130.211.0.0/22', '10.0.0.0/8'] })),
    ).to.deep.equal(opens);
    // No target at all is every instance of the network; no source at all is every address.
    expect(judge(rule({ targetTags: [] }), rule())).to.deep.equal(closes);
    expect(judge(rule(), rule({ targetTags: undefined }))).to.deep.equal(opens);
    expect(judge(rule({ sourceRanges: undefined }), rule())).to.deep.equal(closes);
  });

  it('counts what a PUT clears as closing, and a change it cannot judge as closing', () => {
    // The update replaces the rule, so source tags someone added by hand go too.
    expect(judge(rule({ sourceTags: ['bastion'] }), rule({ description: 'ours, again' }))).to.deep.equal(
      closes,
    );
    expect(judge(rule(), rule({ priority: 900 }))).to.deep.equal(closes);
    expect(judge(rule(), rule({ description: 'ours, again' }))).to.deep.equal(neither);
  });
});

describe('plan: ordering around firewalls', () => {
  const step = (kind: PlanStep['kind'], name: string, op: PlanStep['op']): PlanStep => ({
    kind,
    name,
    op,
    reason: 'test',
    dependsOn: [],
  });

  it('names nothing when there is no firewall step, and returns a copy of the steps', () => {
    const steps = [step('backendServices', 'bs', 'update'), step('firewalls', 'fw', 'nothing')];
    const out = orderAroundFirewalls(steps, new Map(), new Map());
    expect(out).to.not.equal(steps);
    expect(out).to.deep.equal(steps);
  });

  it('never names a step twice, even when it already names it', () => {
    const bs = {
      ...step('backendServices', 'bs', 'update'),
      dependsOn: [{ kind: 'firewalls', name: 'fw' }] as const,
    };
    const out = orderAroundFirewalls([step('firewalls', 'fw', 'create'), bs], new Map(), new Map());
    expect(out[1]!.dependsOn).to.deep.equal([{ kind: 'firewalls', name: 'fw' }]);
  });

  it('lets a closing firewall wait for routing writes but not for their deletes', () => {
    const fw = 'firewalls/fw';
    const observed = new Map([[fw, { kind: 'firewalls' as const, name: 'fw', body: rule() }]]);
    const desired = new Map([[fw, { body: rule({ targetTags: ['node-a'] }) }]]);
    const out = orderAroundFirewalls(
      [
        step('firewalls', 'fw', 'update'),
        step('urlMaps', 'um', 'update'),
        step('backendServices', 'new', 'create'),
        step('backendServices', 'old', 'delete'),
        step('healthChecks', 'hc', 'create'),
      ],
      observed,
      desired,
    );
    expect(out[0]!.dependsOn).to.deep.equal([
      { kind: 'urlMaps', name: 'um' },
      { kind: 'backendServices', name: 'new' },
    ]);
    expect(out.slice(1).every((s) => s.dependsOn.length === 0)).to.equal(true);
  });
});
