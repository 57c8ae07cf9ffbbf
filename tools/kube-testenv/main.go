// Command kube-testenv is the Kubernetes the project's integration and end-to-end tests run
// against: a real kube-apiserver (with an embedded etcd), a kube-controller-manager, kubectl,
// and the PKI and kubeconfig writer that ties them together, all in one binary built from the
// k8s.io/kubernetes Go module. Invoked through a link named "kubectl" it behaves as kubectl.
//
// Each cluster is its own processes: the apiserver panics if started twice in one process,
// and feature gates, klog and metrics registries are process-global.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	name := filepath.Base(os.Args[0])
	if name == "kubectl" {
		os.Exit(runKubectl(os.Args[1:]))
	}
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	sub, rest := os.Args[1], exitWithParent(os.Args[2:])
	var code int
	switch sub {
	case "apiserver":
		code = runAPIServer(rest)
	case "controller-manager":
		code = runControllerManager(rest)
	case "kubectl":
		code = runKubectl(rest)
	case "pki":
		code = runPKI(rest)
	case "compact":
		code = runCompact(rest)
	case "version":
		fmt.Println(versionString())
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "kube-testenv: unknown command %q\n", sub)
		usage()
		code = 2
	}
	os.Exit(code)
}

// exitWithParent strips a leading --parent-pid=N flag and, when present, exits this process as
// soon as its parent is gone, so a test runner that dies without cleaning up leaves no cluster
// behind.
func exitWithParent(args []string) []string {
	if len(args) == 0 || !strings.HasPrefix(args[0], "--parent-pid=") {
		return args
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(args[0], "--parent-pid="))
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv: bad %s\n", args[0])
		os.Exit(2)
	}
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != pid {
				fmt.Fprintln(os.Stderr, "kube-testenv: parent process gone, exiting")
				os.Exit(1)
			}
		}
	}()
	return args[1:]
}

func usage() {
	fmt.Fprint(os.Stderr, strings.TrimLeft(`
usage: kube-testenv COMMAND [--parent-pid=N] [flags]

With --parent-pid=N the process exits as soon as its parent process is no longer N.

commands:
  apiserver --etcd-dir=DIR --etcd-port=N [kube-apiserver flags...]
                        start an embedded etcd, then a real kube-apiserver on it
  controller-manager [kube-controller-manager flags...]
  kubectl [kubectl args...]   (also when invoked through a link named kubectl)
  pki --dir=DIR --name=NAME --port=N
                        write a cluster's CA, serving, admin and service-account keys and
                        an admin kubeconfig whose one context is named NAME
  compact --etcd=URL    compact etcd at its current revision (watchers then see 410 Gone)
  version
`, "\n"))
}
