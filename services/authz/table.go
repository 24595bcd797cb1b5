package authz

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/longshore/longshore/services/api"
)

// actionsJSON is the authorization table: for each service and operation,
// the IAM action, the resources it acts on (ARN templates filled from the
// input's members), its condition keys, request tags and the roles it passes,
// as the Service Authorization Reference lists them. An operation missing
// from it is "<prefix>:<Operation>" on resource "*", as AWS treats actions
// without resource-level permissions.
//
//go:embed actions.json
var actionsJSON []byte

// Table is the parsed authorization table.
type Table struct {
	Services map[string]*ServiceRules
}

// ServiceRules are one service's entries (keyed by model name).
type ServiceRules struct {
	// Prefix is the IAM service prefix (ecs, elasticloadbalancing, ...).
	Prefix string `json:"prefix"`
	// Tags reads a resource's tags for aws:ResourceTag through the
	// service's own operation.
	Tags *TagReader `json:"tags,omitempty"`
	// Res are resource definitions operations refer to by name.
	Res map[string]*Resource `json:"res,omitempty"`
	Ops map[string]*OpRule   `json:"ops"`
}

// TagReader names the operation that lists a resource's tags.
type TagReader struct {
	Op  string `json:"op"`
	In  string `json:"in"`  // input member taking the ARN (string or list)
	Out string `json:"out"` // dotted output path to the tags
}

// OpRule is one operation's entry.
type OpRule struct {
	// Action overrides the IAM action name when it is not the operation's.
	Action string `json:"action,omitempty"`
	// Res are the resources; none means "*".
	Res []ResRef `json:"res,omitempty"`
	// Keys are service condition keys, each valued by a resource's ARN or
	// by an input member ("=member").
	Keys map[string]ResRef `json:"keys,omitempty"`
	// RequestTags is the input member holding the tags a request applies.
	RequestTags string `json:"requestTags,omitempty"`
	// Pass are the roles the operation hands to a service (iam:PassRole).
	Pass []PassRule `json:"pass,omitempty"`
	// Free marks operations AWS authorizes without a policy (GetCallerIdentity),
	// or that another policy decides (AssumeRole: the trust policy).
	Free bool `json:"free,omitempty"`
	// Unsigned operations are called without credentials
	// (AssumeRoleWithWebIdentity, AssumeRoleWithSAML).
	Unsigned bool `json:"unsigned,omitempty"`
	// SLR is the service-linked role the operation needs: AWS creates it
	// when missing if the caller may iam:CreateServiceLinkedRole, and
	// refuses the call otherwise.
	SLR *SLRRule `json:"slr,omitempty"`
	// Trust: the resource is a role whose trust policy, when it names the
	// caller, allows without an identity policy (sts:AssumeRole).
	Trust bool `json:"trust,omitempty"`
}

// SLRRule names a service-linked role and the service's refusal without it:
// Code and Message, or with no Code IAM's own denial of
// iam:CreateServiceLinkedRole.
type SLRRule struct {
	Service string `json:"service"` // ecs.amazonaws.com
	Role    string `json:"role"`    // AWSServiceRoleForECS
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Unless is an input member that, when set, names the role to use
	// instead (Auto Scaling's ServiceLinkedRoleARN).
	Unless string `json:"unless,omitempty"`
}

// PassRule is a role-valued member and the service it is passed to.
type PassRule struct {
	Member string `json:"member"`
	To     string `json:"to"`
	// Profile: the member names an instance profile, whose role is passed.
	Profile bool `json:"profile,omitempty"`
}

// Resource builds ARNs from an input member. Member is the input member
// naming the resource (a dotted path; a list gives one resource per element);
// when its value is already an ARN it is the resource. Otherwise ARN is
// expanded: {Region}, {Account}, {Partition}, {.} (the member's value) and
// {member} or {member=default} (another member's value, an ARN reduced to
// the part after its resource type).
type Resource struct {
	Member string `json:"member,omitempty"`
	ARN    string `json:"arn"`
	// IAM names the kind of IAM entity (user, role, group,
	// instance-profile) a name-valued member refers to: the resource is
	// the entity's own ARN, path included, as IAM evaluates it.
	IAM string `json:"iam,omitempty"`
}

// ResRef is a Resource given inline or by the name of one of the service's.
type ResRef struct {
	Name string
	*Resource
}

// UnmarshalJSON accepts a name or an object.
func (r *ResRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &r.Name)
	}
	r.Resource = &Resource{}
	return json.Unmarshal(b, r.Resource)
}

// LoadTable parses the embedded table and resolves named resources.
func LoadTable() (*Table, error) {
	t := &Table{}
	if err := json.Unmarshal(actionsJSON, &t.Services); err != nil {
		return nil, fmt.Errorf("authz: actions table: %w", err)
	}
	for name, s := range t.Services {
		resolve := func(r *ResRef, op string) error {
			if r.Resource != nil {
				return nil
			}
			if r.Resource = s.Res[r.Name]; r.Resource == nil {
				return fmt.Errorf("authz: %s %s names unknown resource %q", name, op, r.Name)
			}
			return nil
		}
		for op, o := range s.Ops {
			for i := range o.Res {
				if err := resolve(&o.Res[i], op); err != nil {
					return nil, err
				}
			}
			for k, r := range o.Keys {
				if strings.HasPrefix(r.Name, "=") {
					continue
				}
				if err := resolve(&r, op); err != nil {
					return nil, err
				}
				o.Keys[k] = r
			}
		}
	}
	return t, nil
}

// Action returns the IAM action and the rule of an operation (nil rule: "*").
func (t *Table) Action(service, signingName, op string) (string, *OpRule) {
	s := t.Services[service]
	if s == nil {
		return signingName + ":" + op, nil
	}
	o := s.Ops[op]
	if o != nil && o.Action != "" {
		return s.Prefix + ":" + o.Action, o
	}
	return s.Prefix + ":" + op, o
}

// fields finds input members by path through reflection, remembering the
// field indexes per type.
type fields struct {
	mu    sync.Mutex
	index map[fieldKey][]int
}

type fieldKey struct {
	t    reflect.Type
	name string
}

func (f *fields) field(t reflect.Type, name string) []int {
	k := fieldKey{t, name}
	f.mu.Lock()
	idx, ok := f.index[k]
	f.mu.Unlock()
	if ok {
		return idx
	}
	if sf, found := t.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) }); found {
		idx = sf.Index
	}
	f.mu.Lock()
	if f.index == nil {
		f.index = map[fieldKey][]int{}
	}
	f.index[k] = idx
	f.mu.Unlock()
	return idx
}

// values returns the values at a dotted member path: strings are collected
// from strings, string pointers and string-kinded enums; lists and pointers
// are walked through.
func (f *fields) values(v reflect.Value, path string) []reflect.Value {
	cur := []reflect.Value{v}
	for _, name := range strings.Split(path, ".") {
		var next []reflect.Value
		for _, c := range cur {
			for _, s := range flatten(c) {
				if s.Kind() != reflect.Struct {
					continue
				}
				idx := f.field(s.Type(), name)
				if idx == nil {
					continue
				}
				next = append(next, s.FieldByIndex(idx))
			}
		}
		cur = next
	}
	var out []reflect.Value
	for _, c := range cur {
		out = append(out, flatten(c)...)
	}
	return out
}

// flatten dereferences pointers and spreads lists.
func flatten(v reflect.Value) []reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
		var out []reflect.Value
		for i := 0; i < v.Len(); i++ {
			out = append(out, flatten(v.Index(i))...)
		}
		return out
	}
	return []reflect.Value{v}
}

// strs returns the non-empty strings at a member path.
func (f *fields) strs(in any, path string) []string {
	var out []string
	for _, v := range f.values(reflect.ValueOf(in), path) {
		if v.Kind() == reflect.String && v.String() != "" {
			out = append(out, v.String())
		}
	}
	return out
}

// tags returns the tags at a member path: a list of Key/Value structs or a map.
func (f *fields) tags(in any, path string) (map[string]string, bool) {
	vs := f.values(reflect.ValueOf(in), path)
	if len(vs) == 0 {
		return nil, false
	}
	out := map[string]string{}
	for _, v := range vs {
		switch v.Kind() {
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				val := flatten(it.Value())
				s := ""
				if len(val) == 1 && val[0].Kind() == reflect.String {
					s = val[0].String()
				}
				out[it.Key().String()] = s
			}
		case reflect.Struct:
			k, val := f.strs(v.Interface(), "Key"), f.strs(v.Interface(), "Value")
			if len(k) == 1 {
				s := ""
				if len(val) == 1 {
					s = val[0]
				}
				out[k[0]] = s
			}
		}
	}
	return out, true
}

// expand fills an ARN template for one value of the resource's member;
// {Partition} is the partition of the request's region.
func (f *fields) expand(tmpl, value, region, account string, in any) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+j]
		tmpl = tmpl[i+j+1:]
		mod := ""
		if k := strings.IndexByte(name, '|'); k >= 0 {
			name, mod = name[:k], name[k+1:]
		}
		def := ""
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, def = name[:k], name[k+1:]
		}
		var v string
		switch name {
		case "Region":
			v = region
		case "Account":
			v = account
		case "Partition":
			v = api.Partition(region)
		case ".":
			v = value
		default:
			if vs := f.strs(in, name); len(vs) > 0 {
				v = vs[0]
			}
		}
		if v == "" {
			v = def
		}
		v = resourceName(v)
		switch mod {
		case "slash": // SSM parameter names: the ARN holds one slash before the path
			if !strings.HasPrefix(v, "/") {
				v = "/" + v
			}
		case "ec2": // an EC2 id, typed by its prefix
			v = ec2Type(v) + v
		}
		b.WriteString(v)
	}
}

// resourceName reduces an ARN to what follows its resource type
// ("arn:aws:ecs:r:a:cluster/x" → "x"); other values are kept.
func resourceName(v string) string {
	if !strings.HasPrefix(v, "arn:") {
		return v
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) < 6 {
		return v
	}
	res := parts[5]
	if i := strings.IndexByte(res, '/'); i >= 0 {
		return res[i+1:]
	}
	return res
}

// arns builds the ARNs a resource definition names in an input.
func (f *fields) arns(r *Resource, in any, region, account string) []string {
	if r.Member == "" {
		return []string{f.expand(r.ARN, "", region, account, in)}
	}
	vals := f.strs(in, r.Member)
	if len(vals) == 0 {
		if !strings.Contains(r.ARN, "{.}") || strings.Contains(r.ARN, "{.=") {
			return []string{f.expand(r.ARN, "", region, account, in)}
		}
		return nil
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if strings.HasPrefix(v, "arn:") {
			out = append(out, v)
			continue
		}
		out = append(out, f.expand(r.ARN, v, region, account, in))
	}
	return out
}

// ec2Types are the resource types of EC2 ids by prefix.
var ec2Types = []struct{ prefix, typ string }{
	{"i-", "instance/"}, {"sg-", "security-group/"}, {"subnet-", "subnet/"}, {"vpc-", "vpc/"},
	{"eni-", "network-interface/"}, {"lt-", "launch-template/"}, {"ami-", "image/"}, {"vol-", "volume/"},
	{"snap-", "snapshot/"}, {"igw-", "internet-gateway/"}, {"rtb-", "route-table/"}, {"acl-", "network-acl/"},
	{"eipalloc-", "elastic-ip/"}, {"key-", "key-pair/"}, {"dopt-", "dhcp-options/"}, {"nat-", "natgateway/"},
}

func ec2Type(id string) string {
	for _, t := range ec2Types {
		if strings.HasPrefix(id, t.prefix) {
			return t.typ
		}
	}
	return ""
}
