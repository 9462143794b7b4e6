//go:build tools

// Package tools pins the main packages that e2e/nodes/build.sh builds from this wrapper module.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
