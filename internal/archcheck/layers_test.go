package archcheck

import (
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The import rule of DEVELOPING.md, checked on every non-test file: a package
// imports only from layers below its own, or from its own unit (a package and
// the packages under it), or along one of the named edges between services.

// layer is where a package stands; the longest matching prefix wins.
var layerOf = []struct {
	prefix string
	rank   int
}{
	{"protocol", 0},
	{"store", 0},
	{"internal/sdkhttp", 0}, // the HTTP client of the project's own SDK clients (longshoretest, benchmarks)
	{"services/api", 1},
	{"services/loop", 1},
	{"services/core", 2},
	{"services/", 3},
	{"services/elbv2/dataplane", 3}, // ELBv2's data plane: proxies and health checks over the elbv2 service's documents
	{"scheduler", 4},
	{"scheduler/dockerrt", 4}, // the Docker task runtime, beside the cluster manager
	{"services", 5},           // the composition root
	{"server", 6},
	{"server/ui", 6}, // the dashboard: reads the store and the services' Describe handlers
	{"longshoretest", 7},
	{"", 8}, // main
}

// serviceEdges are the imports one service may make of another, each with
// what it uses: EC2 is the one network model; the others read a neighbour's
// documents or publish to it, as AWS's services do.
var serviceEdges = map[string]string{
	"services/ecs -> services/ec2":                   "subnets, security groups, ENIs of awsvpc tasks",
	"services/ecs -> services/elbv2":                 "target groups named by services",
	"services/ecs/control -> services/ec2":           "zones and default subnets of simulated container instances",
	"services/ecs/control -> services/logs":          "lines appended to awslogs streams",
	"services/elbv2 -> services/ec2":                 "subnets, security groups, ENIs of load balancers",
	"services/ssm -> services/ec2":                   "the public AMI catalogue behind the ECS-optimized parameters",
	"services/sts -> services/iam":                   "roles, users and their keys behind credentials",
	"services/sts -> services/iam/policy":            "trust policy evaluation",
	"services/autoscaling -> services/ec2":           "instances launched from launch templates",
	"services/autoscaling -> services/elbv2":         "instances registered in target groups",
	"services/autoscaling -> services/cloudwatch":    "group metrics and alarm-driven policies",
	"services/appautoscaling -> services/cloudwatch": "alarms of scaling policies, published load",
	"services/ecs -> services/servicediscovery":      "Cloud Map namespaces and services behind Service Connect",
	"services/servicediscovery -> services/ec2":      "the VPC of a private DNS namespace",
	"services/authz -> services/iam":                 "users, roles, keys and policies behind IAM enforcement",
	"services/authz -> services/iam/policy":          "policy evaluation of each call",
	"services/authz -> services/sts":                 "temporary credentials and their session policies",
	"services/sqs -> services/cloudwatch":            "queue metrics in AWS/SQS",
}

func rankOf(pkg string) int {
	best, rank := -1, 0
	for _, l := range layerOf {
		if (pkg == l.prefix || strings.HasPrefix(pkg, l.prefix) && (l.prefix == "" || strings.HasSuffix(l.prefix, "/") || pkg[len(l.prefix)] == '/')) && len(l.prefix) > best {
			best, rank = len(l.prefix), l.rank
		}
	}
	return rank
}

// unit is the package's own tree: services/iam for services/iam/policy,
// services/core for any core package, scheduler for its subpackages.
func unit(pkg string) string {
	parts := strings.Split(pkg, "/")
	if parts[0] == "services" && len(parts) > 1 && parts[1] != "core" {
		return "services/" + parts[1]
	}
	if parts[0] == "services" && len(parts) > 1 {
		return "services/core"
	}
	return parts[0]
}

func allowed(from, to string) bool {
	if serviceEdges[from+" -> "+to] != "" {
		return true
	}
	if unit(from) == unit(to) && from != "services" && to != "services" {
		return true
	}
	return rankOf(to) < rankOf(from)
}

func TestImportLayers(t *testing.T) {
	imports := map[string]map[string]bool{}
	_, files := moduleSources(t)
	for _, f := range files {
		if f.dir == "compat-tests" || strings.HasPrefix(f.dir, "compat-tests/") {
			continue
		}
		for _, spec := range f.file.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			if p != module && !strings.HasPrefix(p, module+"/") {
				continue
			}
			if imports[f.dir] == nil {
				imports[f.dir] = map[string]bool{}
			}
			imports[f.dir][strings.TrimPrefix(strings.TrimPrefix(p, module), "/")] = true
		}
	}
	if len(imports) < 10 {
		t.Fatalf("read the imports of %d packages only; did the walk find the module?", len(imports))
	}
	var bad []string
	used := map[string]bool{}
	for from, tos := range imports {
		for to := range tos {
			used[from+" -> "+to] = true
			if !allowed(from, to) {
				bad = append(bad, from+" -> "+to)
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("forbidden import %s (see DEVELOPING.md, \"Packages and their imports\")", b)
	}
	for edge := range serviceEdges {
		if !used[edge] {
			t.Errorf("the allowed edge %s is no longer used: remove it from serviceEdges and DEVELOPING.md", edge)
		}
	}
}

func TestImportRuleCatchesAViolation(t *testing.T) {
	cases := []struct {
		from, to string
		ok       bool
	}{
		{"store", "protocol", false},
		{"protocol", "store", false},
		{"services/api", "store", true},
		{"services/core/ecscore", "services/ecs", false},
		{"services/ecs", "services/core/ecscore", true},
		{"services/ecs", "scheduler", false},
		{"services/autoscaling", "scheduler", false},
		{"services/appautoscaling", "services/ecs", false},
		{"services/iam", "services/iam/policy", true},
		{"scheduler", "services/ecs", true},
		{"scheduler", "services", false},
		{"services", "scheduler", true},
		{"server", "services", true},
		{"services", "server", false},
		{"", "server", true},
		{"server/ui", "services/ecs", true},
		{"services/ecs", "server/ui", false},
	}
	for _, c := range cases {
		if got := allowed(c.from, c.to); got != c.ok {
			t.Errorf("allowed(%q, %q) = %v, want %v", c.from, c.to, got, c.ok)
		}
	}
	if _, err := os.Stat("../../DEVELOPING.md"); err != nil {
		t.Fatal("DEVELOPING.md, which states the rule, is missing")
	}
}
