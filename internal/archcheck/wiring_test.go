package archcheck

import (
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// readOnly are the package-level variables of a func, map or interface type
// (or a slice of funcs or interfaces), or that hold synchronised state, which
// wire nothing: tables filled once at package initialization and only read
// after, and caches of values that are the same for every server. Keys are
// "package directory.name".
var readOnly = map[string]string{
	"protocol.plans":                           "cache of reflection plans per Go type, the same for every server",
	"protocol/model.mu":                        "guards the cache of parsed models",
	"services/iam/policy.cache":                "cache of parsed policy documents by their text, the same for every server",
	"services/core/placement.fitsPool":         "pool of scratch slices; holds no state between calls",
	"protocol.scratchPool":                     "pool of scratch memory for bodies; holds no state between calls",
	"server.arrivalOf":                         "wire arrival per protocol: lookup table",
	"server.signingNames":                      "SigV4 signing names per model: lookup table",
	"protocol.RPCv2CBOR":                       "stateless codec value",
	"protocol.AWSJSON10":                       "stateless codec value",
	"protocol.AWSJSON11":                       "stateless codec value",
	"protocol.AWSQuery":                        "stateless codec value",
	"protocol.EC2Query":                        "stateless codec value",
	"protocol/model.loaded":                    "cache of the parsed embedded models, the same for every server",
	"protocol.plainString":                     "reflect.Type of string: constant",
	"protocol.stringPtrType":                   "reflect.Type of *string: constant",
	"protocol.int32PtrType":                    "reflect.Type of *int32: constant",
	"protocol.int64PtrType":                    "reflect.Type of *int64: constant",
	"protocol.boolPtrType":                     "reflect.Type of *bool: constant",
	"protocol/model.Names":                     "list of embedded models: constant",
	"compat-tests/harness.Ctx":                 "context.Background for test helpers: constant",
	"compat-tests/harness.cliWorkers":          "the test binary's aws CLI driver processes; no server's state",
	"scheduler.createLogGroup":                 "CloudWatch Logs' CreateLogGroup handler built once; holds no state",
	"services/ec2.stateCodes":                  "instance state codes: lookup table",
	"services/ec2.dhcpKeys":                    "DHCP option names: lookup table",
	"services/core/catalog.instanceTypes":      "instance type catalogue: lookup table",
	"services/ec2.notFoundErrors":              "error codes per resource: lookup table",
	"services/ec2.tagTargets":                  "taggable kinds of the package, filled by its own var initializers: lookup table",
	"services/cloudwatch.treatMissing":         "TreatMissingData values: lookup table",
	"services/cloudwatch.comparisonWords":      "comparison operator wording: lookup table",
	"services/ecs.fargateSizes":                "Fargate CPU/memory sizes: lookup table",
	"services/ecs.instanceSizes":               "instance resources per type: lookup table",
	"services/ecs.agentTaskStatuses":           "agent task statuses: lookup table",
	"services/elbv2.reasonDescriptions":        "target health wording: lookup table",
	"services/elbv2.defaultReason":             "target health reasons: lookup table",
	"services/elbv2.albZones":                  "zone table: lookup table",
	"services/elbv2.nlbZones":                  "zone table: lookup table",
	"services/elbv2.listenerProtocols":         "listener protocols per type: lookup table",
	"services/elbv2.otherQuotas":               "quota values: lookup table",
	"services/elbv2.compatibleTargetProtocols": "protocol compatibility: lookup table",
	"services/autoscaling.cronNames":           "cron field names: lookup table",
	"services/iam.awsCatalogueByARN":           "AWS managed policy index: lookup table",
	"services/iam.linkedServices":              "service-linked role catalogue: lookup table",
	"services/iam.serviceNames":                "service catalogue: lookup table",
	"services/iam.accountQuotas":               "account quotas: lookup table",
	"services/iam.serviceCredentialServices":   "service names: lookup table",
	"services/iam/policy.statementFields":      "policy grammar: lookup table",
	"services/iam/policy.operators":            "condition operators: lookup table",
	"services/iam/policy.partitions":           "partition names: lookup table",
	"services/iam/policy.builtinIdPs":          "identity provider names: lookup table",
	"services/sts.oauthProviders":              "identity provider names: lookup table",
	"services/sts.rootTaskPolicies":            "policy names: lookup table",
	"services/appautoscaling.resourcePatterns": "resource id patterns: lookup table",
	"services/appautoscaling.ecsMetricTypes":   "metric names: lookup table",
	"services/appautoscaling.monthNames":       "cron month names: lookup table",
	"services/appautoscaling.dayNames":         "cron day names: lookup table",
	"protocol/model.posixClasses":              "Java POSIX classes and their RE2 names: lookup table",
	"protocol/model.handTranslated":            "RE2 translations of model patterns: lookup table",
	"services/elbv2.listenerProtocolsListed":   "listener protocols as ELB lists them: lookup table",
}

// knownResults are the kinds of what functions outside the module return,
// as far as package-level variables use them.
var knownResults = map[string]string{
	"errors.New": "sentinel", "fmt.Errorf": "sentinel",
	"regexp.MustCompile": "other", "time.Date": "other",
	"context.Background": "interface", "reflect.TypeOf": "interface",
	"sync.OnceValue": "func", "sync.OnceFunc": "func", "sync.OnceValues": "func",
}

// knownInterfaces are interface types outside the module.
var knownInterfaces = map[string]bool{"context.Context": true, "reflect.Type": true, "http.Handler": true,
	"io.Reader": true, "io.Writer": true, "slog.Handler": true, "fs.FS": true}

const module = "github.com/longshore/longshore"

type pkg struct {
	dir     string // relative to the module root, "/"-separated
	files   []*ast.File
	imports map[*ast.File]map[string]string // name -> path
	types   map[string]ast.Expr
	funcs   map[string]*ast.FuncType
	methods map[string]*ast.FuncType
	vars    map[string]ast.Expr // explicit type, or value when untyped
	values  map[string]bool     // vars given by value
}

type checker struct {
	pkgs map[string]*pkg // by directory
	busy map[string]bool
}

func TestNoWiringThroughPackageState(t *testing.T) {
	c := &checker{pkgs: map[string]*pkg{}, busy: map[string]bool{}}
	fset, files := moduleSources(t)
	for _, f := range files {
		c.add(f.dir, f.file)
	}
	if len(c.pkgs) < 10 {
		t.Fatalf("found only %d packages", len(c.pkgs))
	}
	var problems []string
	seen := map[string]bool{}
	for _, p := range c.pkgs {
		for _, f := range p.files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "init" {
						problems = append(problems, fset.Position(d.Pos()).String()+": func init()")
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if n.Name == "_" {
								continue
							}
							key := p.dir + "." + n.Name
							seen[key] = true
							k := c.specKind(p, f, vs, i)
							switch k {
							case "func", "map", "interface", "registry", "shared state":
								if readOnly[key] == "" {
									problems = append(problems, fset.Position(n.Pos()).String()+": package-level var "+n.Name+" ("+k+"): wiring or state shared by every server")
								}
							case "unknown":
								problems = append(problems, fset.Position(n.Pos()).String()+": cannot tell the type of package-level var "+n.Name+"; declare its type")
							}
						}
					}
				}
			}
		}
	}
	for key := range readOnly {
		if !seen[key] {
			problems = append(problems, "readOnly lists "+key+", which no longer exists")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

func (c *checker) add(dir string, f *ast.File) {
	if dir == "." {
		dir = ""
	}
	p := c.pkgs[dir]
	if p == nil {
		p = &pkg{dir: dir, imports: map[*ast.File]map[string]string{}, types: map[string]ast.Expr{}, funcs: map[string]*ast.FuncType{},
			methods: map[string]*ast.FuncType{}, vars: map[string]ast.Expr{}, values: map[string]bool{}}
		c.pkgs[dir] = p
	}
	p.files = append(p.files, f)
	imps := map[string]string{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		imps[name] = path
	}
	p.imports[f] = imps
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				p.funcs[d.Name.Name] = d.Type
			} else {
				p.methods[d.Name.Name] = d.Type
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					p.types[s.Name.Name] = s.Type
				case *ast.ValueSpec:
					for i, n := range s.Names {
						switch {
						case s.Type != nil:
							p.vars[n.Name] = s.Type
						case len(s.Values) == len(s.Names):
							p.vars[n.Name], p.values[n.Name] = s.Values[i], true
						}
					}
				}
			}
		}
	}
}

// specKind is the kind of the i-th name of a var spec.
func (c *checker) specKind(p *pkg, f *ast.File, vs *ast.ValueSpec, i int) string {
	if vs.Type != nil {
		return c.typeKind(p, f, vs.Type)
	}
	if len(vs.Values) == len(vs.Names) {
		return c.valueKind(p, f, vs.Values[i])
	}
	if len(vs.Values) == 1 {
		if call, ok := vs.Values[0].(*ast.CallExpr); ok {
			if ft := c.funcType(p, f, call.Fun); ft != nil && ft.Results != nil {
				return c.resultKind(p, f, ft.Results, i)
			}
		}
	}
	return "unknown"
}

// resultKind is the kind of the i-th result of a function.
func (c *checker) resultKind(p *pkg, f *ast.File, fl *ast.FieldList, i int) string {
	n := 0
	for _, r := range fl.List {
		names := max(len(r.Names), 1)
		if i < n+names {
			return c.typeKind(p, f, r.Type)
		}
		n += names
	}
	return "unknown"
}

// typeKind sorts a type expression: func, map, interface, registry (a slice
// or array of funcs or interfaces), shared state (synchronised, so meant to
// change) or other.
func (c *checker) typeKind(p *pkg, f *ast.File, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.FuncType:
		return "func"
	case *ast.MapType:
		return "map"
	case *ast.InterfaceType:
		return "interface"
	case *ast.ArrayType:
		if k := c.typeKind(p, f, e.Elt); k == "func" || k == "interface" {
			return "registry"
		}
		return "other"
	case *ast.StructType:
		for _, fld := range e.Fields.List {
			if c.typeKind(p, f, fld.Type) == "shared state" {
				return "shared state"
			}
		}
		return "other"
	case *ast.ParenExpr:
		return c.typeKind(p, f, e.X)
	case *ast.IndexExpr:
		return c.typeKind(p, f, e.X)
	case *ast.IndexListExpr:
		return c.typeKind(p, f, e.X)
	case *ast.Ident:
		switch e.Name {
		case "error", "any":
			return "interface"
		}
		if t, ok := p.types[e.Name]; ok {
			return c.guard(p.dir+"."+e.Name, func() string { return c.typeKind(p, c.fileOf(p, t), t) })
		}
		return "other"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return "other"
		}
		path := p.imports[f][x.Name]
		if q := c.modulePkg(path); q != nil {
			if t, ok := q.types[e.Sel.Name]; ok {
				return c.guard(q.dir+"."+e.Sel.Name, func() string { return c.typeKind(q, c.fileOf(q, t), t) })
			}
			return "other"
		}
		if knownInterfaces[x.Name+"."+e.Sel.Name] {
			return "interface"
		}
		if path == "sync" || path == "sync/atomic" {
			return "shared state"
		}
		return "other"
	}
	return "other"
}

// valueKind sorts the type of an untyped var's value.
func (c *checker) valueKind(p *pkg, f *ast.File, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.FuncLit:
		return "func"
	case *ast.CompositeLit:
		if e.Type == nil {
			return "unknown"
		}
		return c.typeKind(p, f, e.Type)
	case *ast.BasicLit, *ast.BinaryExpr:
		return "other"
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return "shared state" // one object every server would share
		}
		return c.valueKind(p, f, e.X)
	case *ast.ParenExpr:
		return c.valueKind(p, f, e.X)
	case *ast.Ident:
		if _, ok := p.funcs[e.Name]; ok {
			return "func"
		}
		if v, ok := p.vars[e.Name]; ok {
			return c.guard(p.dir+"."+e.Name, func() string {
				if p.values[e.Name] {
					return c.valueKind(p, c.fileOf(p, v), v)
				}
				return c.typeKind(p, c.fileOf(p, v), v)
			})
		}
		return "other" // constants, true, false
	case *ast.CallExpr:
		switch fn := e.Fun.(type) {
		case *ast.Ident:
			switch fn.Name {
			case "make":
				return c.typeKind(p, f, e.Args[0])
			case "new":
				return "other"
			}
			if _, ok := p.types[fn.Name]; ok { // a conversion
				return c.typeKind(p, f, fn)
			}
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); ok {
				if k, ok := knownResults[x.Name+"."+fn.Sel.Name]; ok && c.modulePkg(p.imports[f][x.Name]) == nil {
					if k == "sentinel" {
						return "other"
					}
					return k
				}
			}
		case *ast.ArrayType, *ast.MapType, *ast.FuncType, *ast.InterfaceType: // a conversion
			return c.typeKind(p, f, fn)
		}
		ft := c.funcType(p, f, e.Fun)
		if ft == nil || ft.Results == nil {
			return "unknown"
		}
		return c.resultKind(p, f, ft.Results, 0)
	}
	return "unknown"
}

// funcType finds the signature of a called function: a literal, a function
// of the package or of another package of the module, or a method of the
// package found by name.
func (c *checker) funcType(p *pkg, f *ast.File, fun ast.Expr) *ast.FuncType {
	switch fn := fun.(type) {
	case *ast.FuncLit:
		return fn.Type
	case *ast.Ident:
		return p.funcs[fn.Name]
	case *ast.IndexExpr: // a generic function
		return c.funcType(p, f, fn.X)
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok {
			if q := c.modulePkg(p.imports[f][x.Name]); q != nil {
				return q.funcs[fn.Sel.Name]
			}
			if _, isImport := p.imports[f][x.Name]; isImport {
				return nil
			}
		}
		return p.methods[fn.Sel.Name]
	}
	return nil
}

func (c *checker) modulePkg(path string) *pkg {
	if path == module {
		return c.pkgs[""]
	}
	if rest, ok := strings.CutPrefix(path, module+"/"); ok {
		return c.pkgs[rest]
	}
	return nil
}

// fileOf finds the file of a package that holds a node, for its imports.
func (c *checker) fileOf(p *pkg, n ast.Node) *ast.File {
	for _, f := range p.files {
		if f.Pos() <= n.Pos() && n.End() <= f.End() {
			return f
		}
	}
	return p.files[0]
}

// guard stops a cycle of declarations from recursing forever.
func (c *checker) guard(key string, fn func() string) string {
	if c.busy[key] {
		return "other"
	}
	c.busy[key] = true
	defer delete(c.busy, key)
	return fn()
}
