//go:build tools

// Package tools pins the main packages that e2e/controlplane/build.sh builds from this wrapper module.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
