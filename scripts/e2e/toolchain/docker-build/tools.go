//go:build tools

// Package tools pins the docker-build provider plugin that scripts/e2e/toolchain.sh builds, at the
// version @pulumi/docker-build in package-lock.json asks for. Its module has no replace directives,
// but a module of our own keeps its go.sum (and so every dependency) pinned in this repository.
package tools

import (
	_ "github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build"
)
