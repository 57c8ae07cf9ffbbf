import { NetworkingV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { IngressWriter } from './reconcile-ingress.ts';
import { CLEANUP_FINALIZER, STATUS_ANNOTATION } from './status-annotation.ts';

const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Writes our parts of an Ingress in the registry: the finalizer (JSON patch guarded by a `test`
 * of the list we read, so a concurrent writer's finalizer is never lost), the status annotation
 * (merge patch of that one key) and `status.loadBalancer` (through the status subresource).
 */
export function createIngressWriter(kc: KubeConfig): IngressWriter {
  const api = kc.makeApiClient(NetworkingV1Api);
  const finalizers = async (namespace: string, name: string) =>
    (await api.readNamespacedIngress({ name, namespace })).metadata?.finalizers ?? [];
  return {
    async addFinalizer(namespace, name) {
      const current = await finalizers(namespace, name);
      if (current.includes(CLEANUP_FINALIZER)) return;
      const body =
        current.length === 0
          ? [
              { op: 'test', path: '/metadata/finalizers', value: null },
              { op: 'add', path: '/metadata/finalizers', value: [CLEANUP_FINALIZER] },
            ]
          : [
              { op: 'test', path: '/metadata/finalizers', value: current },
              { op: 'add', path: '/metadata/finalizers/-', value: CLEANUP_FINALIZER },
            ];
      await api.patchNamespacedIngress({ name, namespace, body }, jsonPatch).catch(async (err: unknown) => {
        // `test` of an absent list fails when the field is missing rather than null.
        if (current.length === 0 && (err as { code?: number }).code === 422) {
          await api.patchNamespacedIngress(
            {
              name,
              namespace,
              body: [{ op: 'add', path: '/metadata/finalizers', value: [CLEANUP_FINALIZER] }],
            },
            jsonPatch,
          );
          return;
        }
        throw err;
      });
    },
    async removeFinalizer(namespace, name) {
      const current = await finalizers(namespace, name).catch((err: unknown) => {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      });
      if (!current) return;
      const i = current.indexOf(CLEANUP_FINALIZER);
      if (i < 0) return;
      await api.patchNamespacedIngress(
        {
          name,
          namespace,
          body: [
            { op: 'test', path: `/metadata/finalizers/${i}`, value: CLEANUP_FINALIZER },
            { op: 'remove', path: `/metadata/finalizers/${i}` },
          ],
        },
        jsonPatch,
      );
    },
    async writeStatus(namespace, name, annotation, vip) {
      await api.patchNamespacedIngress(
        { name, namespace, body: { metadata: { annotations: { [STATUS_ANNOTATION]: annotation ?? null } } } },
        mergePatch,
      );
      await api.patchNamespacedIngressStatus(
        { name, namespace, body: { status: { loadBalancer: { ingress: vip ? [{ ip: vip }] : null } } } },
        mergePatch,
      );
    },
  };
}
