//go:build tools

// Package tools pins the main packages that e2e/nodes/build.sh builds from this wrapper module.
package tools

import (
	_ "sigs.k8s.io/kube-network-policies/cmd"
)
