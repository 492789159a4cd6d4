//go:build tools

// Package tools pins the Kubernetes control-plane commands that scripts/e2e/toolchain.sh builds.
// k8s.io/kubernetes replaces its k8s.io/* staging modules with local folders that its module
// zip does not carry, so `go install k8s.io/kubernetes/cmd/...@v1.36.3` refuses it; this module
// requires it and points each staging module at its published v0.36.3 instead.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
