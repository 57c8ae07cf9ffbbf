import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.ts';
import { redactText } from '../log/redact.ts';

/** Every Event reason the controller uses. Fixed, so alerts and `kubectl get events` can match them. */
export const EVENT_REASONS = {
  created: 'LoadBalancerCreated',
  updated: 'LoadBalancerUpdated',
  deleted: 'LoadBalancerDeleted',
  translateFailed: 'TranslateFailed',
  applyFailed: 'ApplyFailed',
  clusterProblem: 'ClusterProblem',
  clusterJoined: 'ClusterJoined',
  clusterLeft: 'ClusterLeft',
  memberObjectsFailed: 'MemberObjectsFailed',
} as const;

/** One of {@link EVENT_REASONS}. */
export type EventReason = (typeof EVENT_REASONS)[keyof typeof EVENT_REASONS];

/** The object an Event is about. */
export interface EventTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

/** Records Events; a repeat of the last Event with the same reason on the same object is dropped. */
export interface EventRecorder {
  record(target: EventTarget, type: 'Normal' | 'Warning', reason: EventReason, message: string): void;
  /** Forget what was recorded for an object (it was deleted), so a new one starts afresh. */
  forget(target: EventTarget): void;
}

/**
 * Writes core/v1 Events to the registry. A resync that finds the same problem again does not
 * write again: per object and reason, only a changed message is recorded. Failures to write an
 * Event are logged, never thrown: an Event is never worth failing a reconcile.
 */
export function createEventRecorder(
  kc: KubeConfig,
  opts: { component: string; log: Logger; now?: () => number },
): EventRecorder {
  const api = kc.makeApiClient(CoreV1Api);
  const now = opts.now ?? Date.now;
  const last = new Map<string, string>();
  const objectKey = (t: EventTarget) => `${t.kind}/${t.namespace}/${t.name}`;
  return {
    record(target, type, reason, message) {
      const text = redactText(message).slice(0, 1024);
      const key = `${objectKey(target)}/${reason}`;
      if (last.get(key) === text) return;
      last.set(key, text);
      const at = new Date(now());
      const body: CoreV1Event = {
        metadata: { generateName: `${target.name}.`, namespace: target.namespace },
        involvedObject: {
          apiVersion: target.apiVersion,
          kind: target.kind,
          namespace: target.namespace,
          name: target.name,
          uid: target.uid,
        },
        type,
        reason,
        message: text,
        source: { component: opts.component },
        reportingComponent: opts.component,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      };
      api.createNamespacedEvent({ namespace: target.namespace, body }).catch((err: unknown) => {
        last.delete(key);
        opts.log.warn('could not record an Event', { reason, object: objectKey(target), error: err });
      });
    },
    forget(target) {
      const prefix = `${objectKey(target)}/`;
      for (const k of [...last.keys()]) if (k.startsWith(prefix)) last.delete(k);
    },
  };
}
