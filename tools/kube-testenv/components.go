package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/component-base/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcm "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func versionString() string {
	return version.Get().GitVersion
}

// runAPIServer starts an embedded etcd bound to loopback, then hands the remaining flags to
// the upstream kube-apiserver command, pointed at that etcd.
func runAPIServer(args []string) int {
	// Our two flags are taken out; every other flag belongs to kube-apiserver.
	var dir, port string
	var rest []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "--etcd-dir="):
			dir = strings.TrimPrefix(a, "--etcd-dir=")
		case strings.HasPrefix(a, "--etcd-port="):
			port = strings.TrimPrefix(a, "--etcd-port=")
		default:
			rest = append(rest, a)
		}
	}
	if dir == "" || port == "" {
		fmt.Fprintln(os.Stderr, "kube-testenv apiserver: --etcd-dir=DIR and --etcd-port=N are required")
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Name = "testenv"
	cfg.Dir = dir
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"
	client, err := url.Parse("http://127.0.0.1:" + port)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv apiserver: bad --etcd-port: %v\n", err)
		return 2
	}
	// The peer port is never dialled by anyone (one member), but it must be free; the
	// kernel picks it when the port is 0.
	peer, _ := url.Parse("http://127.0.0.1:0")
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv apiserver: etcd: %v\n", err)
		return 1
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "kube-testenv apiserver: etcd not ready after 60s")
		return 1
	}
	fmt.Fprintf(os.Stderr, "kube-testenv: etcd ready on %s\n", client)
	os.Args = append([]string{"kube-apiserver", "--etcd-servers=" + client.String()}, rest...)
	code := cli.Run(apiserver.NewAPIServerCommand())
	e.Close()
	return code
}

func runControllerManager(args []string) int {
	os.Args = append([]string{"kube-controller-manager"}, args...)
	return cli.Run(kcm.NewControllerManagerCommand())
}

func runKubectl(args []string) int {
	os.Args = append([]string{"kubectl"}, args...)
	command := kubectl.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		kubectlutil.CheckErr(err)
		return 1
	}
	return 0
}

// runCompact compacts etcd at its current revision, physically, so that every watch that
// resumes from an older resourceVersion gets 410 Gone from the apiserver.
func runCompact(args []string) int {
	fs := flag.NewFlagSet("compact", flag.ContinueOnError)
	endpoint := fs.String("etcd", "", "etcd client URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv compact: %v\n", err)
		return 1
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A write moves the revision past anything a watcher has seen, so the compaction
	// below is guaranteed to invalidate every outstanding resourceVersion.
	put, err := cli.Put(ctx, "/kube-testenv/compact-marker", time.Now().String())
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv compact: %v\n", err)
		return 1
	}
	rev := put.Header.Revision
	if _, err := cli.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv compact: %v\n", err)
		return 1
	}
	fmt.Println(rev)
	return 0
}
