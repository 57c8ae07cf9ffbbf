import { expect } from 'chai';
import type { KubernetesObject, V1Ingress, V1Pod, V1Service } from '@kubernetes/client-node';
import { Subject } from 'rxjs';
import {
  MemberClusterSession,
  type MemberWatchSpec,
  type SessionTimers,
} from '../../../src/kube/member-facts.ts';
import { derivedServiceName } from '../../../src/kube/member-derived-service.ts';
import { INGRESS_COPY_ANNOTATION } from '../../../src/kube/member-ingress-copy.ts';
import { memberFactsOf } from '../../../src/kube/member-needs.ts';
import {
  INSTANCE_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../../src/kube/member-ownership.ts';
import type { WatchEvent, WatchSource } from '../../../src/kube/watch-source.ts';
import type { MemberFact } from '../../../src/pipeline/types.ts';

const INSTANCE = 'instance-uid-1';
const NS = 'shop';
const DERIVED = derivedServiceName(INSTANCE, NS, 'web');

/** A list-watch driven by the test. */
class FakeWatch implements WatchSource<KubernetesObject> {
  readonly spec: MemberWatchSpec;
  readonly subject = new Subject<WatchEvent<KubernetesObject>>();
  readonly events$ = this.subject.asObservable();
  readonly objects = new Map<string, KubernetesObject>();
  stopped = false;

  constructor(spec: MemberWatchSpec) {
    this.spec = spec;
  }
  get(name: string) {
    return this.objects.get(name);
  }
  list() {
    return [...this.objects.values()];
  }
  health() {
    return { name: `${this.spec.kind}/${this.spec.namespace}`, lastActivity: 0, synced: true };
  }
  async stop() {
    this.stopped = true;
    this.subject.complete();
  }
  /** Lists `objects` (a relist replaces the cache) and reports synced. */
  sync(...objects: KubernetesObject[]) {
    for (const o of objects) {
      this.objects.set(o.metadata!.name!, o);
      this.subject.next({ type: 'added', object: o });
    }
    this.subject.next({ type: 'synced' });
  }
  put(object: KubernetesObject) {
    const type = this.objects.has(object.metadata!.name!) ? 'updated' : 'added';
    this.objects.set(object.metadata!.name!, object);
    this.subject.next({ type, object });
  }
  remove(object: KubernetesObject) {
    this.objects.delete(object.metadata!.name!);
    this.subject.next({ type: 'deleted', object });
  }
  fail() {
    this.subject.next({ type: 'error', error: new Error('connect ECONNREFUSED') });
  }
}

class FakeTimers implements SessionTimers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 0;
  set = (fn: () => void, ms: number) => {
    const id = ++this.#next;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (handle: unknown) => {
    this.pending.delete(handle as number);
  };
  fireAll() {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

function userService(
  selector: Record<string, string> = { app: 'web' },
  extra: Partial<V1Service['metadata']> = {},
): V1Service {
  return {
    metadata: { name: 'web', namespace: NS, ...extra },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

function derived(negStatus?: string, ours = true): V1Service {
  return {
    metadata: {
      name: DERIVED,
      namespace: NS,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        ...(ours ? { [INSTANCE_ID_ANNOTATION]: INSTANCE } : {}),
        ...(negStatus !== undefined ? { 'cloud.google.com/neg-status': negStatus } : {}),
      },
    },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  };
}

function webPod(name: string, path: string): V1Pod {
  return {
    metadata: { name, namespace: NS, labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path, port: 'http' } },
        },
      ],
    },
    status: { phase: 'Pending' },
  };
}

function copy(ingress: string, groups?: string): V1Ingress {
  return {
    metadata: {
      name: `mci2-ic-${ingress}`,
      namespace: NS,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        [INSTANCE_ID_ANNOTATION]: INSTANCE,
        [INGRESS_COPY_ANNOTATION]: ingress,
        ...(groups !== undefined ? { 'ingress.gcp.kubernetes.io/instance-groups': groups } : {}),
      },
    },
  };
}

describe('MemberClusterSession', () => {
  let watches: FakeWatch[];
  let timers: FakeTimers;
  let problems: string[];
  let facts: MemberFact[];
  let completed: boolean;
  let session: MemberClusterSession;

  const running = () => watches.filter((w) => !w.stopped);
  const running1 = (kind: MemberWatchSpec['kind']) => {
    const found = running().filter((w) => w.spec.kind === kind);
    expect(found, `running ${kind} watches`).to.have.length(1);
    return found[0]!;
  };
  const take = () => facts.splice(0).map((f) => `${f.kind}/${f.namespace}/${f.name}`);

  beforeEach(() => {
    watches = [];
    timers = new FakeTimers();
    problems = [];
    facts = [];
    completed = false;
    session = new MemberClusterSession({
      cluster: 'member-1',
      instanceId: INSTANCE,
      watch: (spec) => {
        const w = new FakeWatch(spec);
        watches.push(w);
        return w;
      },
      timers,
      nodeNetwork: { tags: ['gke-member-1-node'], network: 'default' },
      onProblem: (m) => problems.push(m),
    });
    session.facts$.subscribe({ next: (f) => facts.push(f), complete: () => (completed = true) });
  });

  afterEach(async () => {
    await session.stop();
  });

  it('watches only the Services of the namespaces in use, then Pods by the selectors of the Services in use', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' }]);
    expect(running().map((w) => w.spec)).to.deep.equal([{ kind: 'Service', namespace: NS }]);
    const unrelated: V1Service = {
      metadata: { name: 'unrelated', namespace: NS },
      spec: { selector: { app: 'x' } },
    };
    running1('Service').sync(userService(), unrelated);
    expect(running().map((w) => w.spec)).to.deep.equal([
      { kind: 'Service', namespace: NS },
      { kind: 'Pod', namespace: NS, labelSelector: 'app=web' },
    ]);
  });

  it('answers facts with probe paths through the targetPort, NEG status and node tags, and emits what changed', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web', 'missing'], mode: 'neg' }]);
    expect(session.facts(NS)).to.deep.equal({
      reachable: true,
      nodeTags: ['gke-member-1-node'],
      network: 'default',
    });
    running1('Service').sync(userService());
    expect(take()).to.deep.equal([
      `Service/${NS}/web`,
      `Service/${NS}/missing`,
      `Service/${NS}/${DERIVED}`,
      `Service/${NS}/${derivedServiceName(INSTANCE, NS, 'missing')}`,
    ]);
    running1('Pod').sync(webPod('web-1', '/healthz'));
    expect(take()).to.deep.equal([`Service/${NS}/web`]);
    running1('Service').put(
      derived('{"network_endpoint_groups":{"80":"k8s1-neg-web"},"zones":["us-central1-a","us-central1-b"]}'),
    );
    expect(take()).to.deep.equal([`Service/${NS}/${DERIVED}`]);

    expect(session.facts(NS)).to.deep.equal({
      reachable: true,
      nodeTags: ['gke-member-1-node'],
      network: 'default',
      services: {
        web: {
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
          selector: { app: 'web' },
          readinessProbePaths: { http: ['/healthz'] },
          targetPortNumbers: { http: [8080] },
        },
      },
      negStatus: {
        [DERIVED]: {
          networkEndpointGroups: { '80': 'k8s1-neg-web' },
          zones: ['us-central1-a', 'us-central1-b'],
        },
      },
    });
  });

  it('emits only when what an Ingress reads changed', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' }]);
    running1('Service').sync(userService());
    running1('Pod').sync(webPod('web-1', '/healthz'));
    take();
    running1('Service').put(userService({ app: 'web' }, { labels: { touched: 'yes' } }));
    running1('Pod').put(webPod('web-2', '/healthz'));
    expect(take()).to.deep.equal([]);
    running1('Pod').put(webPod('web-3', '/v2/healthz'));
    expect(take()).to.deep.equal([`Service/${NS}/web`]);
    expect(session.facts(NS).services?.web?.readinessProbePaths).to.deep.equal({
      http: ['/healthz', '/v2/healthz'],
    });
  });

  it('follows a selector change with a new pod watch', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' }]);
    running1('Service').sync(userService());
    const oldPods = running1('Pod');
    running1('Service').put(userService({ app: 'web', track: 'stable' }));
    expect(oldPods.stopped).to.equal(true);
    expect(running1('Pod').spec.labelSelector).to.equal('app=web,track=stable');
  });

  it('ignores a derived-name Service that is not ours and reports a NEG status that does not parse once', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' }]);
    running1('Service').sync(
      userService(),
      derived('{"network_endpoint_groups":{"80":"x"},"zones":["z"]}', false),
    );
    expect(session.facts(NS).negStatus).to.deep.equal({});
    running1('Service').put(derived('not json'));
    running1('Service').put(userService({ app: 'web' }, { labels: { again: '1' } }));
    expect(session.facts(NS).negStatus).to.deep.equal({});
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/cluster member-1: Service shop\/mci2-sv-web-.*neg-status: not valid JSON/);
  });

  it('reads the instance groups of the Ingress copy in instance-group mode', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'instance-group' }]);
    const ingresses = running1('Ingress');
    expect(ingresses.spec.labelSelector).to.equal(`${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`);
    running1('Service').sync(userService());
    ingresses.sync(copy('front'));
    expect(session.facts(NS).instanceGroups).to.equal(undefined);
    take();
    ingresses.put(
      copy(
        'front',
        '[{"Name":"k8s-ig--abc","Zone":"https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a"}]',
      ),
    );
    expect(take()).to.deep.equal([`Ingress/${NS}/front`]);
    expect(session.facts(NS, { ingress: 'front' }).instanceGroups).to.deep.equal([
      { name: 'k8s-ig--abc', zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a' },
    ]);
    expect(session.facts(NS).negStatus).to.equal(undefined);
    ingresses.put(copy('front', '{"Name":1}'));
    expect(session.facts(NS).instanceGroups).to.equal(undefined);
    expect(problems[0]).to.match(/instance-groups: not a JSON list/);
  });

  it('keeps last-known facts while a watch fails, reports unreachable, and relists after a backoff', () => {
    const need = { namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' as const };
    session.setNeeds([need]);
    running1('Service').sync(userService());
    running1('Pod').sync(webPod('web-1', '/healthz'));
    const before = session.facts(NS);
    take();

    const failing = running1('Pod');
    failing.fail();
    expect(session.reachable).to.equal(false);
    expect(failing.stopped).to.equal(true);
    expect(session.facts(NS)).to.deep.equal({ ...before, reachable: false });
    const all = memberFactsOf('member-1', INSTANCE, need).map((f) => `${f.kind}/${f.namespace}/${f.name}`);
    expect(take()).to.deep.equal(all);

    expect([...timers.pending.values()].map((t) => t.ms)).to.deep.equal([500]);
    timers.fireAll();
    const fresh = running1('Pod');
    expect(fresh).to.not.equal(failing);
    fresh.fail();
    expect([...timers.pending.values()].map((t) => t.ms)).to.deep.equal([1000]);
    timers.fireAll();
    expect(session.reachable).to.equal(false);
    running1('Pod').sync(webPod('web-1', '/healthz'));
    expect(session.reachable).to.equal(true);
    expect(take()).to.deep.equal(all);
    expect(session.facts(NS)).to.deep.equal(before);
  });

  it('replaces the cache on relist, dropping what vanished while the watch was down', () => {
    session.setNeeds([{ namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' }]);
    running1('Service').sync(userService());
    running1('Pod').sync(webPod('web-1', '/old'));
    running1('Pod').fail();
    timers.fireAll();
    running1('Pod').sync(webPod('web-2', '/new'));
    expect(session.facts(NS).services?.web?.readinessProbePaths).to.deep.equal({ http: ['/new'] });
  });

  it('stops the watches no longer needed, and everything on stop', async () => {
    session.setNeeds([
      { namespace: NS, ingress: 'front', services: ['web'], mode: 'neg' },
      { namespace: 'other', ingress: 'back', services: ['api'], mode: 'instance-group' },
    ]);
    running()
      .find((w) => w.spec.kind === 'Service' && w.spec.namespace === NS)!
      .sync(userService());
    expect(
      running()
        .map((w) => `${w.spec.kind}/${w.spec.namespace}`)
        .sort(),
    ).to.deep.equal(['Ingress/other', 'Pod/shop', 'Service/other', 'Service/shop']);
    session.setNeeds([{ namespace: 'other', ingress: 'back', services: ['api'], mode: 'instance-group' }]);
    expect(
      running()
        .map((w) => `${w.spec.kind}/${w.spec.namespace}`)
        .sort(),
    ).to.deep.equal(['Ingress/other', 'Service/other']);
    expect(session.facts(NS)).to.deep.equal({
      reachable: true,
      nodeTags: ['gke-member-1-node'],
      network: 'default',
    });

    running1('Ingress').fail();
    expect(timers.pending.size).to.equal(1);
    await session.stop();
    expect(running()).to.deep.equal([]);
    expect(timers.pending.size).to.equal(0);
    expect(completed).to.equal(true);
  });
});
