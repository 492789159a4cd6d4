//go:build tools

// Package tools pins buildkitd, the BuildKit daemon @pulumi/docker-build builds with. docker-build never
// uses Docker's built-in BuildKit (the `docker` driver); without a builder it boots a docker-container
// one from the moby/buildkit image on Docker Hub, which these machines cannot reach. The e2e driver runs
// this buildkitd on the host and registers it as a `remote` buildx builder (docs/deploy.md).
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
