/** The annotation and label keys the controller reads or writes, in one place. */

/** On the Ingress: the ingress class (older than `spec.ingressClassName`). */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** On the Ingress: a label selector narrowing the opted-in clusters. */
export const CLUSTER_SELECTOR_ANNOTATION = 'kubemci.io/cluster-selector';
/** On the Ingress: `neg` or `instance-group`. */
export const BACKEND_MODE_ANNOTATION = 'kubemci.io/backend-mode';
/** On the Ingress: the name of a reserved global address to use (never deleted by us). */
export const STATIC_IP_ANNOTATION = 'kubernetes.io/ingress.global-static-ip-name';
/** On the Ingress: `"false"` turns the HTTP (port 80) frontend off. */
export const ALLOW_HTTP_ANNOTATION = 'kubernetes.io/ingress.allow-http';
/** On the Ingress: a comma list of existing SslCertificate names for the HTTPS proxy. */
export const PRE_SHARED_CERT_ANNOTATION = 'ingress.gcp.kubernetes.io/pre-shared-cert';
/** On the member's copy of the Ingress (`instance-group` mode): the groups ingress-gce made. */
export const INSTANCE_GROUPS_ANNOTATION = 'ingress.gcp.kubernetes.io/instance-groups';
/** On a derived Service (`neg` mode): which ports get standalone NEGs. */
export const NEG_ANNOTATION = 'cloud.google.com/neg';
/** On a derived Service (`neg` mode): the NEGs the NEG controller made. */
export const NEG_STATUS_ANNOTATION = 'cloud.google.com/neg-status';
/** On a Service: backend protocol per port name (`{"https-port":"HTTPS"}`). */
export const APP_PROTOCOLS_ANNOTATION = 'cloud.google.com/app-protocols';
/** The older key of {@link APP_PROTOCOLS_ANNOTATION}, the one kubemci read. */
export const APP_PROTOCOLS_ALPHA_ANNOTATION = 'service.alpha.kubernetes.io/app-protocols';

/** On a Cluster: the opt-in label; only `true` opts in. */
export const CLUSTER_ENABLED_LABEL = 'kubemci.io/enabled';
/** On a Cluster: its share of capacity, `0` or `0.1` to `1.0` (GCE's capacityScaler range). */
export const CLUSTER_CAPACITY_ANNOTATION = 'kubemci.io/capacity';
/** On a Cluster: `true` drains it (capacity 0 on all its backends). */
export const CLUSTER_DRAIN_ANNOTATION = 'kubemci.io/drain';

/** The ingress class that opts an Ingress in. */
export const INGRESS_CLASS = 'kubemci';
/** kubemci's class, accepted for migration. */
export const LEGACY_INGRESS_CLASS = 'gce-multi-cluster';
