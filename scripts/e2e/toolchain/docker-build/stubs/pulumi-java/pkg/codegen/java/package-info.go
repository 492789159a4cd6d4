// Package java stands in for github.com/pulumi/pulumi-java/pkg/codegen/java, which the Go module proxy
// refuses. pulumi-docker-build uses only this type, as the "java" entry of its schema's language map (SDK
// generation metadata; nothing at run time reads it). Field names and JSON tags are upstream's.
package java

type PackageInfo struct {
	BuildFiles                      string            `json:"buildFiles,omitempty"`
	GradleNexusPublishPluginVersion string            `json:"gradleNexusPublishPluginVersion,omitempty"`
	Dependencies                    map[string]string `json:"dependencies,omitempty"`
}
