/** Which Ingresses of the registry `kubectl mci` shows: the ones the controller manages. */
import { isIngressCopy } from '../../kube/member-ingress-copy.ts';
import type { Ingress } from '../../model/ingress.ts';
import { isMulticlusterIngress } from '../../translate/ingress-class.ts';

/**
 * True for an Ingress the controller manages: class kubemci (or kubemci's gce-multi-cluster),
 * and not a copy the controller wrote into a member (the registry may be a member too).
 */
export function isManagedIngress(ingress: Ingress): boolean {
  return isMulticlusterIngress(ingress) && !isIngressCopy(ingress);
}

/** `namespace/name` order, as kubectl lists. */
export function byNamespaceAndName(a: Ingress, b: Ingress): number {
  const key = (i: Ingress) => `${i.metadata?.namespace ?? ''}/${i.metadata?.name ?? ''}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The class an Ingress asks for, for messages: the annotation wins, as in the controller. */
export function ingressClassOf(ingress: Ingress): string | undefined {
  return ingress.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? ingress.spec?.ingressClassName;
}
