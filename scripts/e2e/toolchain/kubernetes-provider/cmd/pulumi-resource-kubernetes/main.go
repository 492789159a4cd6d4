// Command pulumi-resource-kubernetes is upstream's provider main
// (github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes) rebuilt in this
// wrapper module: upstream embeds schema-embed.json and terraform-mapping-embed.json, which its
// Makefile generates and its module zip does not carry. scripts/e2e/toolchain.sh generates both
// beside this file in a build copy (schema.json with the version set, the mapping re-serialised),
// exactly as upstream's generate.go does.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
