// Command pulumi-language-nodejs is a small Node.js language host for the e2e toolchain.
//
// Why it exists: upstream's host lives in its own module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) and the Go module proxy
// reachable here refuses every version of it (403 "This module version is not available"), while
// sdk/v3 and pkg/v3 are served. This host speaks the same LanguageRuntime gRPC protocol from sdk/v3
// and starts the program exactly as upstream v3.248.0 does: `node <nodeargs> @pulumi/pulumi/cmd/run
// --monitor … --engine … <entry point>` with PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS set. It
// leaves out what `pulumi up`/`preview`/`destroy` of an installed program never call: dependency
// installation (npm install runs at the repository root), code generation, packing, debugging.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set by the toolchain script to the @pulumi/pulumi version it was built for.
var version = "3.248.0"

// Exit code @pulumi/pulumi/cmd/run uses after it already showed the user an actionable message.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu     sync.Mutex
	engine string
	cancel context.CancelFunc
}

func main() {
	flag.String("tracing", "", "ignored: tracing is not wired in this host")
	flag.String("runtime", "nodejs", "only nodejs is supported")
	flag.Bool("logflow", false, "ignored (the engine passes it with --logflow)")
	// -logtostderr and -v, which the engine passes when verbose, come from the glog flags sdk/v3 defines.
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	h := &host{}
	if flag.NArg() > 0 {
		h.engine = flag.Arg(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	done := make(chan bool)
	go func() { <-ctx.Done(); close(done) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engine = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages lists the provider packages installed under the program's own node_modules,
// walking down from the program directory as upstream does (packages hoisted to a workspace root
// are not seen there either; the engine then loads their plugins when a resource first needs one).
func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var packages []*pulumirpc.PackageDependency
	root := filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || d.Name() != "package.json" {
			return nil
		}
		if dep := providerPackage(path); dep != nil {
			packages = append(packages, dep)
		}
		return nil
	})
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, err
}

func providerPackage(packageJSON string) *pulumirpc.PackageDependency {
	raw, err := os.ReadFile(packageJSON)
	if err != nil {
		return nil
	}
	var info struct {
		Name    string                  `json:"name"`
		Version string                  `json:"version"`
		Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
	}
	if json.Unmarshal(raw, &info) != nil || !info.Pulumi.Resource {
		return nil
	}
	name, ver := info.Pulumi.Name, info.Pulumi.Version
	if name == "" {
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	if ver == "" {
		ver = info.Version
	}
	if !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	return &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}
}

func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil // `npm install` at the repository root installs the program's dependencies
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, _ := exec.CommandContext(ctx, node, "--version").Output()
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cancel != nil {
		h.cancel()
	}
	return &emptypb.Empty{}, nil
}

// Run starts the program in Node.js and waits for it; the SDK talks to the engine's monitor directly.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	runPath, err := resolveRunModule(info.GetProgramDirectory())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	options := info.GetOptions().AsMap()
	args, err := nodeArgs(options)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	h.mu.Lock()
	engine := h.engine
	runCtx, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	h.mu.Unlock()
	defer cancel()

	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", engine)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(append(args, info.GetEntryPoint()), req.GetArgs()...)

	env, err := programEnv(req, options)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// nodeArgs splits the project's `nodeargs` runtime option on spaces (upstream uses a shell-like
// splitter; quoted arguments are not supported here and are refused rather than mangled).
func nodeArgs(options map[string]any) ([]string, error) {
	raw, ok := options["nodeargs"]
	if !ok {
		return nil, nil
	}
	text, ok := raw.(string)
	if !ok {
		return nil, errors.New("nodeargs option must be a string")
	}
	if strings.ContainsAny(text, `"'\`) {
		return nil, fmt.Errorf("nodeargs %q: quoting is not supported by this language host", text)
	}
	return strings.Fields(text), nil
}

func programEnv(req *pulumirpc.RunRequest, options map[string]any) ([]string, error) {
	// The SDK reads keys in the old `<namespace>:config:<name>` form, as upstream hands them over.
	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return nil, err
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env, nil
}

// resolveRunModule finds @pulumi/pulumi/cmd/run the way Node.js resolves it from the program
// directory: the nearest node_modules upwards (npm workspaces hoist it to the repository root).
func resolveRunModule(programDir string) (string, error) {
	for dir := programDir; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("@pulumi/pulumi is not installed for %s: run `npm install`", programDir)
		}
	}
}
