/**
 * What the multicluster Ingresses need to know from one member, and the member facts (pipeline
 * fan-out identities) that knowledge is reported under. Pure.
 */
import type { BackendMode } from '../model/translate.ts';
import { derivedServiceName } from '../naming/index.ts';
import type { MemberFact } from '../pipeline/types.ts';

/** What one multicluster Ingress needs from every member it selects. */
export interface MemberNeed {
  readonly namespace: string;
  /** The Ingress's name: in `instance-group` mode its copy's annotation is read. */
  readonly ingress: string;
  /** The user Services its backends name. */
  readonly services: readonly string[];
  readonly mode: BackendMode;
}

/** The needs of one namespace, merged over its Ingresses. */
export interface NamespaceNeeds {
  readonly services: ReadonlySet<string>;
  /** Some Ingress in `neg` mode: derived Services are read. */
  readonly neg: boolean;
  /** Ingresses in `instance-group` mode: their copies are read. */
  readonly copies: ReadonlySet<string>;
}

/** Merges needs by namespace. Never throws. */
export function needsByNamespace(needs: readonly MemberNeed[]): Map<string, NamespaceNeeds> {
  const out = new Map<string, { services: Set<string>; neg: boolean; copies: Set<string> }>();
  for (const need of needs) {
    const entry = out.get(need.namespace) ?? {
      services: new Set<string>(),
      neg: false,
      copies: new Set<string>(),
    };
    out.set(need.namespace, entry);
    for (const s of need.services) entry.services.add(s);
    if (need.mode === 'neg') entry.neg = true;
    else entry.copies.add(need.ingress);
  }
  return out;
}

/**
 * The facts a session emits for what `need` reads in `cluster`, which are the facts the Ingress
 * depends on (register them in the pipeline's dependency index):
 * - `Service` named after each user Service: its ports, selector, probe paths;
 * - `neg` mode: `Service` named after each derived Service: its NEG status;
 * - `instance-group` mode: `Ingress` named after the original Ingress: its copy's instance groups.
 * Never throws.
 */
export function memberFactsOf(cluster: string, instanceId: string, need: MemberNeed): MemberFact[] {
  const { namespace } = need;
  const facts: MemberFact[] = need.services.map((name) => ({ cluster, kind: 'Service', namespace, name }));
  if (need.mode === 'neg') {
    for (const service of need.services) {
      facts.push({
        cluster,
        kind: 'Service',
        namespace,
        name: derivedServiceName(instanceId, namespace, service),
      });
    }
  } else {
    facts.push({ cluster, kind: 'Ingress', namespace, name: need.ingress });
  }
  return facts;
}
