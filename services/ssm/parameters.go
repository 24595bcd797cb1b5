package ssm

import (
	"encoding/base64"
	"regexp"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxVersions is how many versions Parameter Store keeps of one parameter.
const maxVersions = 100

func versionKey(name string, v int64) string { return name + "#" + strconv.FormatInt(v, 10) }

func putVersion(c *api.Context, v *version) error {
	return versions.Put(c.Tx, c.Scope(), versionKey(v.Name, v.Version), store.Index{Parent: v.Name}, v)
}

func putParameter(c *api.Context, in *sdk.PutParameterInput) (*sdk.PutParameterOutput, error) {
	name, value := aws.ToString(in.Name), aws.ToString(in.Value)
	if err := checkName(name); err != nil {
		return nil, err
	}
	existing, err := parameters.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	overwrite := aws.ToBool(in.Overwrite)
	if existing != nil && !overwrite {
		return nil, apiErr("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	if overwrite && len(in.Tags) > 0 {
		return nil, validation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	}
	next := version{Name: name, Value: value, Type: string(in.Type), Description: aws.ToString(in.Description), AllowedPattern: aws.ToString(in.AllowedPattern),
		KeyID: aws.ToString(in.KeyId), Tier: string(in.Tier), DataType: aws.ToString(in.DataType), Policies: aws.ToString(in.Policies),
		LastModifiedDate: c.Now(), LastModifiedUser: c.Caller.Arn, Version: 1, Labels: []string{}}
	p := &parameter{}
	if existing != nil {
		p = existing
		prev := existing.Latest
		next.Version = prev.Version + 1
		if next.Type == "" {
			next.Type = prev.Type
		}
		if in.Description == nil {
			next.Description = prev.Description
		}
		if in.AllowedPattern == nil {
			next.AllowedPattern = prev.AllowedPattern
		}
		if in.KeyId == nil && next.Type == prev.Type {
			next.KeyID = prev.KeyID
		}
		if next.Tier == "" {
			next.Tier = prev.Tier
		}
		if in.DataType == nil {
			next.DataType = prev.DataType
		}
	}
	if next.Type == "" {
		return nil, validation("A parameter type is required when you create a parameter.")
	}
	if next.Type != string(types.ParameterTypeSecureString) && next.KeyID != "" {
		return nil, validation("KeyId is required for SecureString type parameter only.")
	}
	if next.Type == string(types.ParameterTypeSecureString) && next.KeyID == "" {
		next.KeyID = "alias/aws/ssm"
	}
	if next.Tier == "" || next.Tier == string(types.ParameterTierIntelligentTiering) {
		next.Tier = string(types.ParameterTierStandard)
		if len(value) > 4096 {
			next.Tier = string(types.ParameterTierAdvanced)
		}
	}
	if next.Tier == string(types.ParameterTierStandard) && len(value) > 4096 {
		return nil, validation("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.")
	}
	if next.DataType == "" {
		next.DataType = "text"
	}
	switch next.DataType {
	case "text":
	case "aws:ec2:image":
		if !regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`).MatchString(value) {
			return nil, validation("Parameter value %s is not valid for data type aws:ec2:image.", value)
		}
	default:
		return nil, validation("The following data type is not supported: %s (Data type names are all lowercase.)", next.DataType)
	}
	if next.AllowedPattern != "" {
		re, err := regexp.Compile(next.AllowedPattern)
		if err != nil {
			return nil, apiErr("InvalidAllowedPatternException", "The allowed pattern %s is not a valid regular expression.", next.AllowedPattern)
		}
		if !re.MatchString(value) {
			return nil, apiErr("ParameterPatternMismatchException", "Parameter value, cannot be validated against allowedPattern: %s", next.AllowedPattern)
		}
	}
	if next.Version > maxVersions {
		// The oldest version goes unless it carries a label.
		oldest, err := oldestVersion(c, name)
		if err != nil {
			return nil, err
		}
		if oldest != nil && len(oldest.Labels) > 0 {
			return nil, apiErr("ParameterMaxVersionLimitExceeded", "You attempted to create a new version of %s by calling the PutParameter API with the overwrite flag. Version %d, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.", name, oldest.Version)
		}
		if oldest != nil {
			if _, err := versions.Delete(c.Tx, c.Scope(), versionKey(name, oldest.Version)); err != nil {
				return nil, err
			}
		}
	}
	if existing == nil {
		for _, t := range in.Tags {
			p.Tags = append(p.Tags, tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
		}
	}
	p.Latest = next
	if err := putVersion(c, &next); err != nil {
		return nil, err
	}
	if err := storeParameter(c.Tx, c.Scope(), p); err != nil {
		return nil, err
	}
	return &sdk.PutParameterOutput{Version: next.Version, Tier: types.ParameterTier(next.Tier)}, nil
}

func oldestVersion(c *api.Context, name string) (*version, error) {
	items, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: name, Limit: 1})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return items[0].Doc, nil
}

// lookup finds a parameter's version by NAME, NAME:VERSION or NAME:LABEL.
func lookup(c *api.Context, full string) (*version, string, error) {
	name, selector := splitSelector(nameFromInput(c, full))
	if isPublic(name) {
		v := publicVersion(c.Region, name)
		if v == nil || (selector != "" && selector != "1") {
			return nil, "", notFound()
		}
		return v, selector, nil
	}
	p, err := parameters.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, "", err
	}
	if p == nil {
		return nil, "", notFound()
	}
	if selector == "" {
		return &p.Latest, "", nil
	}
	if n, err := strconv.ParseInt(selector, 10, 64); err == nil {
		v, err := versions.Get(c.Tx, c.Scope(), versionKey(name, n))
		if err != nil {
			return nil, "", err
		}
		if v == nil {
			return nil, "", versionNotFound(name, selector)
		}
		return v, ":" + selector, nil
	}
	items, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: name})
	if err != nil {
		return nil, "", err
	}
	for _, it := range items {
		for _, l := range it.Doc.Labels {
			if l == selector {
				return it.Doc, ":" + selector, nil
			}
		}
	}
	return nil, "", versionNotFound(name, selector)
}

// sealed is what a SecureString value looks like without decryption: an
// opaque base64 blob, as KMS ciphertext is.
func sealed(v *version) string {
	return base64.StdEncoding.EncodeToString([]byte("longshore-kms:" + v.KeyID + ":" + v.Value))
}

// wire renders a version as GetParameter returns it.
func wire(c *api.Context, v *version, selector string, decrypt bool) types.Parameter {
	value := v.Value
	if v.Type == string(types.ParameterTypeSecureString) && !decrypt {
		value = sealed(v)
	}
	account := c.Account()
	if isPublic(v.Name) {
		account = ""
	}
	p := types.Parameter{Name: aws.String(v.Name), Type: types.ParameterType(v.Type), Value: aws.String(value), Version: v.Version,
		LastModifiedDate: aws.Time(v.LastModifiedDate), ARN: aws.String(arn(c.Region, account, v.Name)), DataType: aws.String(v.DataType)}
	if selector != "" {
		p.Selector = aws.String(selector)
	}
	return p
}

func getParameter(c *api.Context, in *sdk.GetParameterInput) (*sdk.GetParameterOutput, error) {
	v, sel, err := lookup(c, aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	p := wire(c, v, sel, aws.ToBool(in.WithDecryption))
	return &sdk.GetParameterOutput{Parameter: &p}, nil
}

func getParameters(c *api.Context, in *sdk.GetParametersInput) (*sdk.GetParametersOutput, error) {
	if len(in.Names) > 10 {
		return nil, validation("1 validation error detected: Value '%v' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10", in.Names)
	}
	out := &sdk.GetParametersOutput{Parameters: []types.Parameter{}, InvalidParameters: []string{}}
	seen := map[string]bool{}
	for _, n := range in.Names {
		if seen[n] {
			continue
		}
		seen[n] = true
		v, sel, err := lookup(c, n)
		if err != nil {
			if code := errCode(err); code == "ParameterNotFound" || code == "ParameterVersionNotFound" {
				out.InvalidParameters = append(out.InvalidParameters, n)
				continue
			}
			return nil, err
		}
		out.Parameters = append(out.Parameters, wire(c, v, sel, aws.ToBool(in.WithDecryption)))
	}
	return out, nil
}

func deleteOne(c *api.Context, name string) (bool, error) {
	ok, err := parameters.Delete(c.Tx, c.Scope(), name)
	if err != nil || !ok {
		return ok, err
	}
	items, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: name})
	if err != nil {
		return false, err
	}
	for _, it := range items {
		if _, err := versions.Delete(c.Tx, c.Scope(), it.ID); err != nil {
			return false, err
		}
	}
	return true, nil
}

func deleteParameter(c *api.Context, in *sdk.DeleteParameterInput) (*sdk.DeleteParameterOutput, error) {
	ok, err := deleteOne(c, aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound()
	}
	return &sdk.DeleteParameterOutput{}, nil
}

func deleteParameters(c *api.Context, in *sdk.DeleteParametersInput) (*sdk.DeleteParametersOutput, error) {
	out := &sdk.DeleteParametersOutput{DeletedParameters: []string{}, InvalidParameters: []string{}}
	for _, n := range in.Names {
		ok, err := deleteOne(c, n)
		if err != nil {
			return nil, err
		}
		if ok {
			out.DeletedParameters = append(out.DeletedParameters, n)
		} else {
			out.InvalidParameters = append(out.InvalidParameters, n)
		}
	}
	return out, nil
}

func getParameterHistory(c *api.Context, in *sdk.GetParameterHistoryInput) (*sdk.GetParameterHistoryOutput, error) {
	name := aws.ToString(in.Name)
	if p, err := parameters.Get(c.Tx, c.Scope(), name); err != nil {
		return nil, err
	} else if p == nil {
		return nil, notFound()
	}
	items, next, err := api.Paginate(c.Tx, c.Scope(), versions, store.Query{Parent: name},
		ssmPaging("ssm:GetParameterHistory:"+name, in.MaxResults, 50, in.NextToken), nil)
	if err != nil {
		return nil, err
	}
	out := &sdk.GetParameterHistoryOutput{Parameters: []types.ParameterHistory{}, NextToken: next}
	for _, v := range items {
		value := v.Value
		if v.Type == string(types.ParameterTypeSecureString) && !aws.ToBool(in.WithDecryption) {
			value = sealed(v)
		}
		h := types.ParameterHistory{Name: aws.String(v.Name), Type: types.ParameterType(v.Type), Value: aws.String(value), Version: v.Version,
			LastModifiedDate: aws.Time(v.LastModifiedDate), LastModifiedUser: aws.String(v.LastModifiedUser), Labels: v.Labels,
			Tier: types.ParameterTier(v.Tier), DataType: aws.String(v.DataType), Policies: []types.ParameterInlinePolicy{}}
		if v.Description != "" {
			h.Description = aws.String(v.Description)
		}
		if v.AllowedPattern != "" {
			h.AllowedPattern = aws.String(v.AllowedPattern)
		}
		if v.KeyID != "" {
			h.KeyId = aws.String(v.KeyID)
		}
		out.Parameters = append(out.Parameters, h)
	}
	return out, nil
}

func errCode(err error) string { return apierror.As(err).Code }
