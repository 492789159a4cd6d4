module gateway-kit/e2e-toolchain/docker-build

go 1.26.0

require github.com/pulumi/pulumi-docker-build v0.0.22
