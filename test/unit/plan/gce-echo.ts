import type { DesiredResource, ObservedResource } from '../../../src/model/gce.ts';
import { resourceUrl } from '../../../src/model/gce-urls.ts';
import { SecretValue } from '../../../src/model/secret-value.ts';

/**
 * What GCE would return for a resource inserted with `desired`'s body, as the reference describes
 * it: server fields added (id, selfLink, kind, creationTimestamp, fingerprint), write-only fields
 * dropped (privateKey), defaults filled in or left out, empty lists omitted, the forwarding rule's
 * address replaced by its literal IP, set-like lists reordered. Test data only.
 */
export function echo(
  desired: DesiredResource,
  options: { ip?: string; fingerprint?: string } = {},
): ObservedResource {
  const body: Record<string, unknown> = JSON.parse(
    JSON.stringify(desired.body, (_key, value: unknown) =>
      value instanceof SecretValue ? undefined : value,
    ),
  );
  const server = {
    id: '1234567890123456789',
    creationTimestamp: '2026-01-01T10:00:00.000-07:00',
    selfLink: resourceUrl('demo-project', desired.kind, desired.name),
    kind: `compute#${desired.kind === 'globalForwardingRules' ? 'forwardingRule' : desired.kind.replace(/ies$/, 'y').replace(/s$/, '')}`,
  };
  const fingerprint = options.fingerprint ?? 'ZmluZ2VycHJpbnQ=';
  switch (desired.kind) {
    case 'addresses':
      return observed(desired, {
        ...body,
        ...server,
        address: options.ip ?? '34.1.2.3',
        status: 'IN_USE',
        networkTier: 'PREMIUM',
      });
    case 'healthChecks': {
      const { checkIntervalSec: _dropped, ...rest } = body;
      // A value equal to the default may come back omitted; the sub-object gains defaults.
      const sub = rest.httpHealthCheck as Record<string, unknown> | undefined;
      return observed(desired, {
        ...rest,
        ...server,
        ...(body.checkIntervalSec === 5 ? {} : { checkIntervalSec: body.checkIntervalSec }),
        ...(sub === undefined ? {} : { httpHealthCheck: { ...sub, proxyHeader: 'NONE' } }),
      });
    }
    case 'backendServices': {
      const backends = (body.backends as Array<Record<string, unknown>>).map(({ capacityScaler, ...b }) => ({
        ...b,
        ...(capacityScaler === 1 ? {} : { capacityScaler }),
        maxUtilization: 0,
      }));
      return observed(desired, {
        ...body,
        ...server,
        backends: backends.reverse(),
        fingerprint,
        sessionAffinity: 'NONE',
        affinityCookieTtlSec: 0,
        port: 80,
        portName: body.portName ?? 'http',
        usedBy: [{ reference: resourceUrl('demo-project', 'urlMaps', 'someone') }],
        timeoutSec: String(body.timeoutSec),
      });
    }
    case 'urlMaps': {
      const { hostRules, pathMatchers, ...rest } = body as { hostRules: unknown[]; pathMatchers: unknown[] };
      return observed(desired, {
        ...rest,
        ...server,
        fingerprint,
        ...(hostRules.length > 0 ? { hostRules } : {}),
        ...(pathMatchers.length > 0 ? { pathMatchers } : {}),
      });
    }
    case 'targetHttpProxies':
    case 'targetHttpsProxies':
      return observed(desired, { ...body, ...server, fingerprint, httpKeepAliveTimeoutSec: 610 });
    case 'sslCertificates':
      return observed(desired, {
        ...body,
        ...server,
        type: 'SELF_MANAGED',
        expireTime: '2030-01-01T00:00:00.000-08:00',
      });
    case 'globalForwardingRules':
      return observed(desired, {
        ...body,
        ...server,
        fingerprint,
        IPAddress: options.ip ?? '34.1.2.3',
        portRange: String(body.portRange).replace(/-\d+$/, ''),
        networkTier: 'PREMIUM',
        labelFingerprint: '42WmSpB8rSM=',
      });
    case 'firewalls':
      return observed(desired, {
        ...body,
        ...server,
        sourceRanges: [...(body.sourceRanges as string[])].reverse(),
        targetTags: [...(body.targetTags as string[])].reverse(),
        allowed: (body.allowed as Array<{ IPProtocol: string; ports: string[] }>).map((a) => ({
          IPProtocol: a.IPProtocol.toUpperCase(),
          ports: [...a.ports].reverse(),
        })),
        logConfig: { enable: false },
        disabled: false,
      });
  }
}

function observed(desired: DesiredResource, body: Record<string, unknown>): ObservedResource {
  return { kind: desired.kind, name: desired.name, body };
}
