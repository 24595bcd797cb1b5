// Package ssm implements the Parameter Store of AWS Systems Manager: String,
// StringList and SecureString parameters with versions, labels and tags, and
// the public parameters that name the ECS-optimized AMIs.
package ssm

import (
	"net/http"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// New builds the SSM service.
func New() *api.Service {
	s := api.NewService("ssm")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return validation("%s", protocol.ValidationMessage(vs))
	}
	api.Handle(s, "PutParameter", putParameter)
	api.Handle(s, "GetParameter", getParameter)
	api.Handle(s, "GetParameters", getParameters)
	api.Handle(s, "DeleteParameter", deleteParameter)
	api.Handle(s, "DeleteParameters", deleteParameters)
	api.Handle(s, "DescribeParameters", describeParameters)
	api.Handle(s, "GetParametersByPath", getParametersByPath)
	api.Handle(s, "GetParameterHistory", getParameterHistory)
	api.Handle(s, "LabelParameterVersion", labelParameterVersion)
	api.Handle(s, "UnlabelParameterVersion", unlabelParameterVersion)
	api.Handle(s, "AddTagsToResource", addTagsToResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)
	api.Handle(s, "RemoveTagsFromResource", removeTagsFromResource)
	return s
}

func validation(format string, args ...any) *apierror.Error {
	return apierror.WithStatus(http.StatusBadRequest, "ValidationException", format, args...)
}

// version is one stored version of a parameter.
type version struct {
	Name             string
	Type             string
	Value            string
	Version          int64
	Description      string
	AllowedPattern   string
	KeyID            string
	Tier             string
	DataType         string
	Policies         string
	Labels           []string
	LastModifiedDate time.Time
	LastModifiedUser string
}

// parameter is a parameter's current state: its latest version and its tags.
type parameter struct {
	Latest version
	Tags   []tag
}

type tag struct{ Key, Value string }

var (
	parameters = store.Collection[parameter]{Kind: "ssm/parameter"}       // id = name, Status = type, Attr = typeKey
	versions   = store.Collection[version]{Kind: "ssm/parameter-version"} // id = name#version, Parent = name
)

// storeParameter stores a parameter under its name, with its type in Status
// and its type, a space and its name in Attr (typeKey): a listing of one
// type pages in name order through the attr index (0023).
func storeParameter(tx *store.Tx, sc store.Scope, p *parameter) error {
	return parameters.Put(tx, sc, p.Latest.Name, store.Index{Status: p.Latest.Type, Attr: typeKey(p.Latest.Type, p.Latest.Name)}, p)
}

// typeKey is the Attr of a parameter of type typ named name.
func typeKey(typ, name string) string { return typ + " " + name }
