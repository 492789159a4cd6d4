//go:build tools

// Package tools pins the docker-build provider plugin that scripts/e2e/toolchain.sh builds, at the
// version @pulumi/docker-build in package-lock.json asks for. Upstream's go.mod has no replace directives,
// but it requires github.com/pulumi/pulumi-java and pulumi-dotnet's language host, which the Go module proxy
// refuses (403); go.mod replaces both with the stubs/ folders (one struct type each, schema metadata only).
package tools

import (
	_ "github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build"
)
