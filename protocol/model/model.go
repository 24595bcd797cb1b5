// Package model loads the embedded AWS API models (botocore's service-2.json)
// and resolves them into linked shapes that the codecs and the validator walk.
package model

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed models/*/service-2.json
var files embed.FS

// Names lists the services whose models are embedded, as their folders are named.
var Names = []string{"ecs", "application-autoscaling", "elbv2", "iam", "sts", "autoscaling", "cloudwatch", "ec2", "logs", "ssm", "servicediscovery", "sqs"}

// Service is one AWS API model.
type Service struct {
	Name       string // model folder name, e.g. "ecs"
	Metadata   Metadata
	Operations map[string]*Operation
	Shapes     map[string]*Shape
	// PatternErrors names the shapes whose pattern could not be translated
	// (and so is not enforced), with the reason; the model tests require it empty.
	PatternErrors map[string]error
	// errorsByCode maps a wire error code (the error trait's code, else the shape name) to its shape.
	errorsByCode map[string]*Shape
}

// Metadata is the model's protocol information.
type Metadata struct {
	APIVersion     string   `json:"apiVersion"`
	Protocol       string   `json:"protocol"`
	Protocols      []string `json:"protocols"`
	TargetPrefix   string   `json:"targetPrefix"`
	JSONVersion    string   `json:"jsonVersion"`
	SigningName    string   `json:"signingName"`
	EndpointPrefix string   `json:"endpointPrefix"`
	XMLNamespace   string   `json:"xmlNamespace"`
	ServiceID      string   `json:"serviceId"`
	// AWSQueryCompatible is set for services that moved from awsQuery: their
	// JSON and CBOR errors carry the query code in x-amzn-query-error.
	AWSQueryCompatible *struct{} `json:"awsQueryCompatible"`
}

// Operation is one API operation.
type Operation struct {
	Name          string
	Input         *Shape
	Output        *Shape
	ResultWrapper string
	Errors        []*Shape
}

// Shape is a resolved model shape.
type Shape struct {
	Name       string
	Type       string // structure, list, map, string, integer, long, boolean, double, float, timestamp, blob
	Members    []*Member
	Required   map[string]bool
	Member     *Member // list element
	Key, Value *Member // map entries
	Enum       []string
	// EnumListed is Enum in the order AWS's validation messages list it.
	EnumListed      []string
	enumSet         map[string]bool
	Min, Max        *float64
	Pattern         *Pattern
	PatternText     string
	Flattened       bool
	LocationName    string
	TimestampFormat string
	Exception       bool
	ErrorCode       string
	HTTPStatus      int
	SenderFault     bool
	Union           bool
	Document        bool
	byName          map[string]*Member
	// Plan is a slot for the codecs' per-Go-type plan of this shape, so that
	// the hot path finds it without a map lookup.
	Plan atomic.Value
}

// Member is a structure member, list element or map key/value.
type Member struct {
	Name            string
	Shape           *Shape
	LocationName    string
	QueryName       string
	Flattened       bool
	TimestampFormat string
	XMLAttribute    bool
}

// WireName is the member's name on the wire for JSON and XML.
func (m *Member) WireName() string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

// MemberByName finds a structure member by its model name.
func (s *Shape) MemberByName(name string) *Member { return s.byName[name] }

// IsEnumValue reports whether v is one of the shape's enum values (true when it has none).
func (s *Shape) IsEnumValue(v string) bool { return len(s.enumSet) == 0 || s.enumSet[v] }

// ErrorShape finds an error shape by its wire code.
func (s *Service) ErrorShape(code string) *Shape { return s.errorsByCode[code] }

// OperationNames returns the operation names in sorted order.
func (s *Service) OperationNames() []string {
	names := make([]string, 0, len(s.Operations))
	for n := range s.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var (
	mu     sync.Mutex
	loaded = map[string]*Service{}
)

// Load returns the named service model, parsing it on first use.
func Load(name string) (*Service, error) {
	mu.Lock()
	defer mu.Unlock()
	if s, ok := loaded[name]; ok {
		return s, nil
	}
	data, err := files.ReadFile("models/" + name + "/service-2.json")
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	s, err := parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	loaded[name] = s
	return s, nil
}

// Derive returns a variant of an embedded model: its service-2.json as
// decoded JSON, changed by patch, then parsed (SQS's query form, whose
// member names the JSON model no longer carries). It is parsed once per variant.
func Derive(name, variant string, patch func(raw map[string]any)) (*Service, error) {
	key := name + "#" + variant
	mu.Lock()
	defer mu.Unlock()
	if s, ok := loaded[key]; ok {
		return s, nil
	}
	data, err := files.ReadFile("models/" + name + "/service-2.json")
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	patch(raw)
	if data, err = json.Marshal(raw); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	s, err := parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	loaded[key] = s
	return s, nil
}

// MustLoad is Load for models known to be embedded.
func MustLoad(name string) *Service {
	s, err := Load(name)
	if err != nil {
		panic(err)
	}
	return s
}

type rawRef struct {
	Shape           string `json:"shape"`
	LocationName    string `json:"locationName"`
	QueryName       string `json:"queryName"`
	Flattened       bool   `json:"flattened"`
	TimestampFormat string `json:"timestampFormat"`
	XMLAttribute    bool   `json:"xmlAttribute"`
	ResultWrapper   string `json:"resultWrapper"`
}

type rawShape struct {
	Type            string          `json:"type"`
	Members         json.RawMessage `json:"members"`
	Required        []string        `json:"required"`
	Member          *rawRef         `json:"member"`
	Key             *rawRef         `json:"key"`
	Value           *rawRef         `json:"value"`
	Enum            []string        `json:"enum"`
	Min             *float64        `json:"min"`
	Max             *float64        `json:"max"`
	Pattern         string          `json:"pattern"`
	Flattened       bool            `json:"flattened"`
	LocationName    string          `json:"locationName"`
	TimestampFormat string          `json:"timestampFormat"`
	Exception       bool            `json:"exception"`
	Union           bool            `json:"union"`
	Document        bool            `json:"document"`
	Error           *struct {
		Code        string `json:"code"`
		Status      int    `json:"httpStatusCode"`
		SenderFault bool   `json:"senderFault"`
	} `json:"error"`
}

type rawOp struct {
	Name   string   `json:"name"`
	Input  *rawRef  `json:"input"`
	Output *rawRef  `json:"output"`
	Errors []rawRef `json:"errors"`
}

type rawModel struct {
	Metadata   Metadata            `json:"metadata"`
	Operations map[string]rawOp    `json:"operations"`
	Shapes     map[string]rawShape `json:"shapes"`
}

func parse(name string, data []byte) (*Service, error) {
	var raw rawModel
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	svc := &Service{Name: name, Metadata: raw.Metadata, Operations: map[string]*Operation{},
		Shapes: make(map[string]*Shape, len(raw.Shapes)), errorsByCode: map[string]*Shape{}}
	for n, rs := range raw.Shapes {
		sh := &Shape{Name: n, Type: rs.Type, Enum: rs.Enum, Min: rs.Min, Max: rs.Max, Flattened: rs.Flattened,
			LocationName: rs.LocationName, TimestampFormat: rs.TimestampFormat, Exception: rs.Exception,
			Union: rs.Union, Document: rs.Document, PatternText: rs.Pattern}
		if len(rs.Enum) > 0 {
			sh.EnumListed = listedOrder(rs.Enum)
			sh.enumSet = make(map[string]bool, len(rs.Enum))
			for _, e := range rs.Enum {
				sh.enumSet[e] = true
			}
		}
		if rs.Pattern != "" {
			// AWS matches the whole value.
			if p, err := CompilePattern(rs.Pattern); err == nil {
				sh.Pattern = p
			} else {
				if svc.PatternErrors == nil {
					svc.PatternErrors = map[string]error{}
				}
				svc.PatternErrors[n] = err
			}
		}
		if rs.Exception || rs.Error != nil {
			sh.Exception = true
			sh.ErrorCode, sh.HTTPStatus, sh.SenderFault = n, 400, true
			if rs.Error != nil {
				if rs.Error.Code != "" {
					sh.ErrorCode = rs.Error.Code
				}
				if rs.Error.Status != 0 {
					sh.HTTPStatus = rs.Error.Status
				}
				sh.SenderFault = rs.Error.SenderFault
			}
			svc.errorsByCode[sh.ErrorCode] = sh
		}
		svc.Shapes[n] = sh
	}
	ref := func(r *rawRef) (*Member, error) {
		if r == nil {
			return nil, nil
		}
		sh := svc.Shapes[r.Shape]
		if sh == nil {
			return nil, fmt.Errorf("unknown shape %q", r.Shape)
		}
		return &Member{Shape: sh, LocationName: r.LocationName, QueryName: r.QueryName, Flattened: r.Flattened,
			TimestampFormat: r.TimestampFormat, XMLAttribute: r.XMLAttribute}, nil
	}
	for n, rs := range raw.Shapes {
		sh := svc.Shapes[n]
		var err error
		if sh.Member, err = ref(rs.Member); err != nil {
			return nil, err
		}
		if sh.Key, err = ref(rs.Key); err != nil {
			return nil, err
		}
		if sh.Value, err = ref(rs.Value); err != nil {
			return nil, err
		}
		if len(rs.Members) > 0 {
			members, err := orderedMembers(rs.Members)
			if err != nil {
				return nil, err
			}
			sh.byName = make(map[string]*Member, len(members))
			for _, km := range members {
				m, err := ref(&km.ref)
				if err != nil {
					return nil, err
				}
				m.Name = km.name
				sh.Members = append(sh.Members, m)
				sh.byName[km.name] = m
			}
		}
		if len(rs.Required) > 0 {
			sh.Required = make(map[string]bool, len(rs.Required))
			for _, r := range rs.Required {
				sh.Required[r] = true
			}
		}
	}
	for n, ro := range raw.Operations {
		op := &Operation{Name: n}
		if ro.Input != nil {
			op.Input = svc.Shapes[ro.Input.Shape]
		}
		if ro.Output != nil {
			op.Output = svc.Shapes[ro.Output.Shape]
			op.ResultWrapper = ro.Output.ResultWrapper
		}
		for _, e := range ro.Errors {
			if sh := svc.Shapes[e.Shape]; sh != nil {
				op.Errors = append(op.Errors, sh)
			}
		}
		svc.Operations[n] = op
	}
	return svc, nil
}

type keyedRef struct {
	name string
	ref  rawRef
}

// orderedMembers keeps the members in the model's order: responses list fields in that order.
func orderedMembers(data json.RawMessage) ([]keyedRef, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []keyedRef
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var r rawRef
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		out = append(out, keyedRef{name: tok.(string), ref: r})
	}
	return out, nil
}
