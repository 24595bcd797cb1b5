package ssm

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// labelRE is what a label may look like: letters, digits, . - _, not
// starting with a digit, "aws" or "ssm".
var labelRE = regexp.MustCompile(`^[a-zA-Z._-][a-zA-Z0-9._-]{0,99}$`)

func validLabel(l string) bool {
	lower := strings.ToLower(l)
	return labelRE.MatchString(l) && !strings.HasPrefix(lower, "aws") && !strings.HasPrefix(lower, "ssm")
}

// targetVersion loads the version a label call names (the latest when none).
func targetVersion(c *api.Context, name string, v *int64) (*parameter, *version, error) {
	p, err := parameters.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		return nil, nil, notFound()
	}
	n := p.Latest.Version
	if v != nil {
		n = *v
	}
	ver, err := versions.Get(c.Tx, c.Scope(), versionKey(name, n))
	if err != nil {
		return nil, nil, err
	}
	if ver == nil {
		return nil, nil, versionNotFound(name, strconv.FormatInt(n, 10))
	}
	return p, ver, nil
}

func saveVersion(c *api.Context, p *parameter, v *version) error {
	if err := putVersion(c, v); err != nil {
		return err
	}
	if p.Latest.Version == v.Version {
		p.Latest = *v
		return storeParameter(c.Tx, c.Scope(), p)
	}
	return nil
}

func labelParameterVersion(c *api.Context, in *sdk.LabelParameterVersionInput) (*sdk.LabelParameterVersionOutput, error) {
	name := aws.ToString(in.Name)
	p, target, err := targetVersion(c, name, in.ParameterVersion)
	if err != nil {
		return nil, err
	}
	out := &sdk.LabelParameterVersionOutput{ParameterVersion: target.Version, InvalidLabels: []string{}}
	var good []string
	for _, l := range in.Labels {
		if validLabel(l) {
			good = append(good, l)
		} else {
			out.InvalidLabels = append(out.InvalidLabels, l)
		}
	}
	// A label names one version: it moves from wherever it was.
	items, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: name})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		v := it.Doc
		if v.Version == target.Version {
			continue
		}
		var kept []string
		for _, l := range v.Labels {
			if !hasLabel(good, l) {
				kept = append(kept, l)
			}
		}
		if len(kept) != len(v.Labels) {
			if kept == nil {
				kept = []string{}
			}
			v.Labels = kept
			if err := saveVersion(c, p, v); err != nil {
				return nil, err
			}
		}
	}
	for _, l := range good {
		if !hasLabel(target.Labels, l) {
			target.Labels = append(target.Labels, l)
		}
	}
	if len(target.Labels) > 10 {
		return nil, apiErr("ParameterVersionLabelLimitExceeded", "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.")
	}
	return out, saveVersion(c, p, target)
}

func unlabelParameterVersion(c *api.Context, in *sdk.UnlabelParameterVersionInput) (*sdk.UnlabelParameterVersionOutput, error) {
	p, target, err := targetVersion(c, aws.ToString(in.Name), in.ParameterVersion)
	if err != nil {
		return nil, err
	}
	out := &sdk.UnlabelParameterVersionOutput{RemovedLabels: []string{}, InvalidLabels: []string{}}
	for _, l := range in.Labels {
		if hasLabel(target.Labels, l) {
			out.RemovedLabels = append(out.RemovedLabels, l)
		} else {
			out.InvalidLabels = append(out.InvalidLabels, l)
		}
	}
	kept := []string{}
	for _, l := range target.Labels {
		if !hasLabel(out.RemovedLabels, l) {
			kept = append(kept, l)
		}
	}
	target.Labels = kept
	return out, saveVersion(c, p, target)
}
