//go:build tools

// Package tools pins the Pulumi CLI that scripts/e2e/toolchain.sh builds. pkg/v3's go.mod
// replaces sdk/v3 with a sibling folder and atotto/clipboard with a fork, so
// `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.248.0` refuses it; this module
// requires both at the version of @pulumi/pulumi in package-lock.json and repeats the fork's replace.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
