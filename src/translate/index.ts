/** The translate module: Ingress -> desired GCE graph, and the pure helpers others reuse. */
export {
  translate,
  DEFAULT_HEALTH_CHECK_TIMING,
  DEFAULT_SOURCE_RANGES,
  TRANSLATE_DEFAULTS,
} from './translate.ts';
export * from './annotations.ts';
export { isMulticlusterIngress } from './ingress-class.ts';
export { LabelSelectorError, matchesLabels, parseLabelSelector } from './label-selector.ts';
export type { LabelRequirement, LabelSelector } from './label-selector.ts';
export {
  clusterSelectorOf,
  ingressSelectsCluster,
  isClusterEnabled,
  selectClusters,
} from './select-clusters.ts';
export {
  MemberAnnotationError,
  negAnnotationValue,
  parseInstanceGroups,
  parseNegStatus,
} from './member-annotations.ts';
export { MAX_CERTIFICATES_PER_PROXY } from './to-certificates.ts';
export { MAX_GROUPS_PER_BACKEND_SERVICE } from './to-backend-service.ts';
export { pathMatcherName } from './to-url-map.ts';
