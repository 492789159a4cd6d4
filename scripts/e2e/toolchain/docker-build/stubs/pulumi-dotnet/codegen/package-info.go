// Package codegen stands in for github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3/codegen, which
// the Go module proxy refuses. pulumi-docker-build uses only this type, as the "csharp" entry of its
// schema's language map (SDK generation metadata; nothing at run time reads it). JSON tags are upstream's.
package codegen

type CSharpPackageInfo struct {
	RespectSchemaVersion bool              `json:"respectSchemaVersion,omitempty"`
	PackageReferences    map[string]string `json:"packageReferences,omitempty"`
}
