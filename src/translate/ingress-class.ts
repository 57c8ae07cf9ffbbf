import type { Ingress } from '../model/ingress.ts';
import { INGRESS_CLASS, INGRESS_CLASS_ANNOTATION, LEGACY_INGRESS_CLASS } from './annotations.ts';

/**
 * True when the Ingress is multicluster: class `kubemci` (or kubemci's `gce-multi-cluster`) in
 * the `kubernetes.io/ingress.class` annotation or in `spec.ingressClassName`. The annotation wins
 * when both are set, as in ingress-gce. Never throws.
 */
export function isMulticlusterIngress(ingress: Ingress): boolean {
  const annotated = ingress.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  const ingressClass = annotated ?? ingress.spec?.ingressClassName;
  return ingressClass === INGRESS_CLASS || ingressClass === LEGACY_INGRESS_CLASS;
}
