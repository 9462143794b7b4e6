//go:build tools

// Package tools pins the main packages that e2e/controlplane/build.sh builds from this wrapper module.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
