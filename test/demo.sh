#!/usr/bin/env bash
# make demo: the whole story on this machine, in about a minute. A registry and three member
# clusters (real apiservers), a Compute Engine emulator and a simulator of GKE's in-cluster
# controllers per member; the controller runs as its own process; everything stops at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${DEMO_DIR:-$PWD/.testenv/demo}
kubectl_bin="$(dirname "$KUBE_TESTENV_BIN")/kubectl"
export PATH="$PWD/bin:$(dirname "$KUBE_TESTENV_BIN"):$PATH"
step=0
say() { step=$((step + 1)); printf '\n\033[1m%d. %s\033[0m\n' "$step" "$*"; }
run() { printf '   $ %s\n' "$*"; "$@" 2>&1 | sed 's/^/     /'; }
controller_pid=
cleanup() {
  [ -n "$controller_pid" ] && kill "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null || true
  npm run -s testenv -- down --dir "$dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "Start a registry cluster and three member clusters (real kube-apiservers), a Compute Engine emulator and a GKE simulator per member"
rm -rf "$dir"
run npm run -s testenv -- up --members 3 --dir "$dir" --op-latency-ms 200
reg="--kubeconfig=$dir/registry.kubeconfig"
gce_endpoint=$(node -p "require('$dir/env.json').gce.endpoint")
gce_project=$(node -p "require('$dir/env.json').gce.project")
token_file=$(node -p "require('$dir/env.json').gce.tokenFile")

say "Install the Cluster Registry CRD and the kubemci IngressClass in the registry"
run kubectl apply -f registry-crds/ "$reg"
run kubectl wait --for=condition=Established crd/clusters.clusterregistry.k8s.io --timeout=60s "$reg"

say "Deploy the app and its Service to every member (as you would with any multicluster ingress)"
for m in member-1 member-2 member-3; do
  kubectl create namespace shop "--kubeconfig=$dir/$m.kubeconfig" >/dev/null
  sed 's/__NS__/shop/' test/demo/app.yaml | kubectl apply -f - "--kubeconfig=$dir/$m.kubeconfig" | sed "s/^/     $m: /"
done

say "Register the members: kubectl create cluster (a least-privilege ServiceAccount in each member, never your credentials)"
run kubectl create cluster us-east --from-kubeconfig "$dir/member-1.kubeconfig" --label region=us --enable "$reg"
run kubectl create cluster eu-west --from-kubeconfig "$dir/member-2.kubeconfig" --label region=eu --enable "$reg"
run kubectl create cluster asia-east --from-kubeconfig "$dir/member-3.kubeconfig" --label region=asia "$reg"
for pair in us-east:member-1 eu-west:member-2 asia-east:member-3; do
  tag=$(node -p "require('$dir/env.json').gce.nodeTags['${pair#*:}']")
  kubectl annotate -n kube-multicluster-public clusters.clusterregistry.k8s.io "${pair%%:*}" "kubemci.io/node-tags=$tag" "$reg" >/dev/null
done
run kubectl get clusters.clusterregistry.k8s.io -n kube-multicluster-public "$reg"

say "Start the controller (its own process; JSON logs go to $dir/controller.log)"
printf '   $ kubemci-controller --kubeconfig %s --project %s --gce-endpoint %s --access-token-file %s\n' \
  "$dir/registry.kubeconfig" "$gce_project" "$gce_endpoint" "$token_file"
kubemci-controller --kubeconfig "$dir/registry.kubeconfig" --project "$gce_project" --gce-endpoint "$gce_endpoint" \
  --access-token-file "$token_file" --metrics-addr 127.0.0.1:0 --health-poll-period 5s --cluster-status-period 10s \
  >"$dir/controller.log" 2>&1 &
controller_pid=$!

say "Apply an Ingress of class kubemci in the registry"
kubectl create namespace shop "$reg" >/dev/null
run kubectl apply -f test/demo/ingress.yaml "$reg"

wait_for() { # description, deadline in seconds, command...
  local what=$1 deadline=$2; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$deadline" ]; then
      echo "   the $what did not appear within ${deadline}s; last controller log lines:" >&2
      tail -n 20 "$dir/controller.log" >&2
      exit 1
    fi
    sleep 1
  done
  printf '   %s after %ds\n' "$what" $((SECONDS - start))
}
has_vip() { [ -n "$(kubectl get ingress shop -n shop -o 'jsonpath={.status.loadBalancer.ingress[0].ip}' "$reg")" ]; }
wait_for "VIP" 120 has_vip
run kubectl get ingress shop -n shop "$reg"

show_status() {
  kubectl get ingress shop -n shop -o 'jsonpath={.metadata.annotations.kubemci\.io/status}' "$reg" |
    node -e '
      const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
      console.log(`     VIP ${s.vip}, backend mode ${s.backendMode}`);
      for (const c of s.clusters) {
        const b = c.backends.map((x) => `${x.service}:${x.port} ${x.groups.length} NEGs capacity ${x.capacityScaler}` +
          (x.health ? ` health ${x.health.healthy} healthy/${x.health.unhealthy} unhealthy` : "")).join("; ");
        console.log(`     cluster ${c.name}: ${b || "no backends"}${c.problems.length ? "  problems: " + c.problems.map((p) => p.message).join("; ") : ""}`);
      }
      for (const [k, v] of Object.entries(s.resources)) console.log(`     ${k}: ${[].concat(v).join(", ")}`);'
}
say "The controller's status on the Ingress (annotation kubemci.io/status)"
show_status

say "Enable a third cluster; nothing else to run: the controller adds its backends"
run kubectl label clusters.clusterregistry.k8s.io asia-east -n kube-multicluster-public kubemci.io/enabled=true "$reg"
three_clusters() {
  kubectl get ingress shop -n shop -o 'jsonpath={.metadata.annotations.kubemci\.io/status}' "$reg" |
    node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); process.exit(s.clusters.filter((c) => c.backends.some((b) => b.groups.length)).length === 3 ? 0 : 1)'
}
wait_for "third cluster's backends" 120 three_clusters
show_status

say "Delete the Ingress: the controller removes its load balancer"
run kubectl delete ingress shop -n shop --timeout=120s "$reg"
left=$(curl -s "${gce_endpoint}compute/v1/projects/$gce_project/global/urlMaps" -H "Authorization: Bearer x" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).items?.length ?? 0')
printf '   URL maps left in the project: %s\n' "$left"

say "Stop everything"
kill "$controller_pid" && wait "$controller_pid" || true
controller_pid=
run npm run -s testenv -- down --dir "$dir"
echo
echo "Done. The controller's log is in $dir/controller.log."
