package ec2

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerLaunchTemplates(s *api.Service) {
	handle(s, "CreateLaunchTemplate", createLaunchTemplate)
	handle(s, "CreateLaunchTemplateVersion", createLaunchTemplateVersion)
	handle(s, "ModifyLaunchTemplate", modifyLaunchTemplate)
	handle(s, "DeleteLaunchTemplate", deleteLaunchTemplate)
	handle(s, "DeleteLaunchTemplateVersions", deleteLaunchTemplateVersions)
	handle(s, "DescribeLaunchTemplates", describeLaunchTemplates)
	handle(s, "DescribeLaunchTemplateVersions", describeLaunchTemplateVersions)
}

func versionKey(ltID string, n int64) string { return ltID + ":" + strconv.FormatInt(n, 10) }

// responseData turns request launch template data into the response form:
// the two SDK types share member names, so JSON carries one into the other.
func responseData(req *types.RequestLaunchTemplateData, base *types.ResponseLaunchTemplateData) (*types.ResponseLaunchTemplateData, error) {
	merged := map[string]any{}
	if base != nil {
		b, _ := json.Marshal(base)
		json.Unmarshal(b, &merged)
	}
	if req != nil {
		b, _ := json.Marshal(req)
		var add map[string]any
		json.Unmarshal(b, &add)
		for k, v := range add {
			if v != nil {
				merged[k] = v
			}
		}
	}
	b, _ := json.Marshal(merged)
	out := &types.ResponseLaunchTemplateData{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	if out.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*out.UserData); err != nil {
			return nil, apiErr("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")
		}
	}
	if out.ImageId != nil && !amiRE.MatchString(*out.ImageId) && !strings.HasPrefix(*out.ImageId, "resolve:ssm:") {
		return nil, apiErr("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", *out.ImageId)
	}
	return out, nil
}

// findTemplate loads a launch template by id or name.
func findTemplate(c *api.Context, id, name string) (*types.LaunchTemplate, error) {
	if id != "" {
		if !strings.HasPrefix(id, "lt-") {
			return nil, apiErr("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template is not valid. Launch template IDs start with lt-.")
		}
		lt, err := templateKind.get(c, id)
		if err != nil {
			return nil, err
		}
		if lt == nil {
			return nil, notFoundAs("lt", id)
		}
		return lt, nil
	}
	if name == "" {
		return nil, apiErr("MissingParameter", "The request must contain the parameter launchTemplateName or launchTemplateId")
	}
	lts, err := templateKind.list(c, store.Query{Name: name})
	if err != nil {
		return nil, err
	}
	if len(lts) == 0 {
		return nil, apiErr("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
	}
	return lts[0], nil
}

// resolveVersion turns $Latest, $Default or a number into a version number.
func resolveVersion(lt *types.LaunchTemplate, v string) (int64, error) {
	switch v {
	case "", "$Default":
		return aws.ToInt64(lt.DefaultVersionNumber), nil
	case "$Latest":
		return aws.ToInt64(lt.LatestVersionNumber), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, apiErr("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for launch template %s", v, aws.ToString(lt.LaunchTemplateId))
	}
	return n, nil
}

// templateVersion loads a version of a template ($Latest, $Default or a number).
func templateVersion(c *api.Context, lt *types.LaunchTemplate, v string) (*types.LaunchTemplateVersion, error) {
	n, err := resolveVersion(lt, v)
	if err != nil {
		return nil, err
	}
	ver, err := versions.Get(c.Tx, c.Scope(), versionKey(aws.ToString(lt.LaunchTemplateId), n))
	if err != nil {
		return nil, err
	}
	if ver == nil {
		return nil, apiErr("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for launch template %s", v, aws.ToString(lt.LaunchTemplateId))
	}
	ver.DefaultVersion = aws.Bool(n == aws.ToInt64(lt.DefaultVersionNumber))
	return ver, nil
}

// ResolveLaunchTemplate returns the launch template data a specification names
// ($Default when no version is given), for Auto Scaling and RunInstances.
func ResolveLaunchTemplate(tx *store.Tx, account, region string, spec types.LaunchTemplateSpecification) (*types.LaunchTemplateVersion, error) {
	c := contextFor(tx, account, region)
	lt, err := findTemplate(c, aws.ToString(spec.LaunchTemplateId), aws.ToString(spec.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	return templateVersion(c, lt, aws.ToString(spec.Version))
}

func putVersion(c *api.Context, ver *types.LaunchTemplateVersion) error {
	return versions.Put(c.Tx, c.Scope(), versionKey(aws.ToString(ver.LaunchTemplateId), aws.ToInt64(ver.VersionNumber)),
		store.Index{Parent: aws.ToString(ver.LaunchTemplateId)}, ver)
}

func createLaunchTemplate(c *api.Context, in *sdk.CreateLaunchTemplateInput) (*sdk.CreateLaunchTemplateOutput, error) {
	name := aws.ToString(in.LaunchTemplateName)
	found, err := templates.Exists(c.Tx, c.Scope(), store.Query{Name: name})
	if err != nil {
		return nil, err
	}
	if found {
		return nil, apiErr("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
	}
	data, err := responseData(in.LaunchTemplateData, nil)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "launch-template")
	if err != nil {
		return nil, err
	}
	now := clock(c)
	lt := &types.LaunchTemplate{LaunchTemplateId: aws.String(newID("lt")), LaunchTemplateName: aws.String(name), CreateTime: aws.Time(now),
		CreatedBy: aws.String(c.Caller.Arn), DefaultVersionNumber: aws.Int64(1), LatestVersionNumber: aws.Int64(1), Tags: tags}
	if err := templateKind.put(c, lt); err != nil {
		return nil, err
	}
	ver := &types.LaunchTemplateVersion{LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName, VersionNumber: aws.Int64(1),
		VersionDescription: in.VersionDescription, CreateTime: aws.Time(now), CreatedBy: lt.CreatedBy, DefaultVersion: aws.Bool(true), LaunchTemplateData: data}
	return &sdk.CreateLaunchTemplateOutput{LaunchTemplate: lt}, putVersion(c, ver)
}

func createLaunchTemplateVersion(c *api.Context, in *sdk.CreateLaunchTemplateVersionInput) (*sdk.CreateLaunchTemplateVersionOutput, error) {
	lt, err := findTemplate(c, aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	var base *types.ResponseLaunchTemplateData
	if in.SourceVersion != nil {
		src, err := templateVersion(c, lt, *in.SourceVersion)
		if err != nil {
			return nil, err
		}
		base = src.LaunchTemplateData
	}
	data, err := responseData(in.LaunchTemplateData, base)
	if err != nil {
		return nil, err
	}
	n := aws.ToInt64(lt.LatestVersionNumber) + 1
	lt.LatestVersionNumber = aws.Int64(n)
	if err := templateKind.put(c, lt); err != nil {
		return nil, err
	}
	ver := &types.LaunchTemplateVersion{LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName, VersionNumber: aws.Int64(n),
		VersionDescription: in.VersionDescription, CreateTime: aws.Time(clock(c)), CreatedBy: aws.String(c.Caller.Arn), DefaultVersion: aws.Bool(false),
		LaunchTemplateData: data}
	return &sdk.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: ver}, putVersion(c, ver)
}

func modifyLaunchTemplate(c *api.Context, in *sdk.ModifyLaunchTemplateInput) (*sdk.ModifyLaunchTemplateOutput, error) {
	lt, err := findTemplate(c, aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	if in.DefaultVersion != nil {
		ver, err := templateVersion(c, lt, *in.DefaultVersion)
		if err != nil {
			return nil, err
		}
		lt.DefaultVersionNumber = ver.VersionNumber
	}
	return &sdk.ModifyLaunchTemplateOutput{LaunchTemplate: lt}, templateKind.put(c, lt)
}

func deleteLaunchTemplate(c *api.Context, in *sdk.DeleteLaunchTemplateInput) (*sdk.DeleteLaunchTemplateOutput, error) {
	lt, err := findTemplate(c, aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(lt.LaunchTemplateId)
	vs, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: id})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if _, err := versions.Delete(c.Tx, c.Scope(), v.ID); err != nil {
			return nil, err
		}
	}
	return &sdk.DeleteLaunchTemplateOutput{LaunchTemplate: lt}, templateKind.delete(c, id)
}

func deleteLaunchTemplateVersions(c *api.Context, in *sdk.DeleteLaunchTemplateVersionsInput) (*sdk.DeleteLaunchTemplateVersionsOutput, error) {
	lt, err := findTemplate(c, aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if err != nil {
		return nil, err
	}
	out := &sdk.DeleteLaunchTemplateVersionsOutput{SuccessfullyDeletedLaunchTemplateVersions: []types.DeleteLaunchTemplateVersionsResponseSuccessItem{},
		UnsuccessfullyDeletedLaunchTemplateVersions: []types.DeleteLaunchTemplateVersionsResponseErrorItem{}}
	for _, v := range in.Versions {
		n, _ := strconv.ParseInt(v, 10, 64)
		fail := func(code types.LaunchTemplateErrorCode, msg string) {
			out.UnsuccessfullyDeletedLaunchTemplateVersions = append(out.UnsuccessfullyDeletedLaunchTemplateVersions, types.DeleteLaunchTemplateVersionsResponseErrorItem{
				LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName, VersionNumber: aws.Int64(n),
				ResponseError: &types.ResponseError{Code: code, Message: aws.String(msg)}})
		}
		if n == aws.ToInt64(lt.DefaultVersionNumber) {
			fail(types.LaunchTemplateErrorCodeUnexpectedError, "Cannot delete the default version of a launch template.")
			continue
		}
		ok, err := versions.Delete(c.Tx, c.Scope(), versionKey(aws.ToString(lt.LaunchTemplateId), n))
		if err != nil {
			return nil, err
		}
		if !ok {
			fail(types.LaunchTemplateErrorCodeLaunchTemplateVersionDoesNotExist, "The specified launch template version does not exist.")
			continue
		}
		out.SuccessfullyDeletedLaunchTemplateVersions = append(out.SuccessfullyDeletedLaunchTemplateVersions, types.DeleteLaunchTemplateVersionsResponseSuccessItem{
			LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: lt.LaunchTemplateName, VersionNumber: aws.Int64(n)})
	}
	return out, nil
}

func describeLaunchTemplates(c *api.Context, in *sdk.DescribeLaunchTemplatesInput) (*sdk.DescribeLaunchTemplatesOutput, error) {
	ids := append([]string(nil), in.LaunchTemplateIds...)
	for _, n := range in.LaunchTemplateNames {
		lt, err := findTemplate(c, "", n)
		if err != nil {
			return nil, err
		}
		ids = append(ids, aws.ToString(lt.LaunchTemplateId))
	}
	l := listing[types.LaunchTemplate]{op: "DescribeLaunchTemplates",
		id:   func(lt *types.LaunchTemplate) string { return aws.ToString(lt.LaunchTemplateId) },
		tags: func(lt *types.LaunchTemplate) []types.Tag { return lt.Tags },
		fields: func(lt *types.LaunchTemplate) fields {
			f := fields{}
			f.addPtr("launch-template-name", lt.LaunchTemplateName)
			f.addPtr("launch-template-id", lt.LaunchTemplateId)
			f.add("create-time", aws.ToTime(lt.CreateTime).Format("2006-01-02T15:04:05.000Z"))
			return f
		},
		filters:  []string{"launch-template-name", "launch-template-id", "create-time"},
		notFound: func(id string) error { return notFoundAs("lt", id) },
	}
	out, next, err := l.page(c, templateKind, nil, ids, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeLaunchTemplatesOutput{LaunchTemplates: values(out), NextToken: next}, nil
}

func describeLaunchTemplateVersions(c *api.Context, in *sdk.DescribeLaunchTemplateVersionsInput) (*sdk.DescribeLaunchTemplateVersionsOutput, error) {
	var one *types.LaunchTemplate
	if in.LaunchTemplateId != nil || in.LaunchTemplateName != nil {
		lt, err := findTemplate(c, aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
		if err != nil {
			return nil, err
		}
		one = lt
	} else if len(in.Versions) > 0 {
		return nil, apiErr("MissingParameter", "The request must contain the parameter launchTemplateName or launchTemplateId")
	}
	l := listing[types.LaunchTemplateVersion]{op: "DescribeLaunchTemplateVersions",
		id: func(v *types.LaunchTemplateVersion) string {
			return versionKey(aws.ToString(v.LaunchTemplateId), aws.ToInt64(v.VersionNumber))
		},
		fields: func(v *types.LaunchTemplateVersion) fields {
			f := fields{}
			f.addBool("is-default-version", v.DefaultVersion)
			if d := v.LaunchTemplateData; d != nil {
				f.addPtr("image-id", d.ImageId)
				f.add("instance-type", string(d.InstanceType))
				f.addPtr("kernel-id", d.KernelId)
				f.addPtr("ram-disk-id", d.RamDiskId)
				f.addBool("ebs-optimized", d.EbsOptimized)
				if d.IamInstanceProfile != nil {
					f.addPtr("iam-instance-profile", d.IamInstanceProfile.Arn)
					f.addPtr("iam-instance-profile", d.IamInstanceProfile.Name)
				}
			}
			return f
		},
		filters: []string{"is-default-version", "image-id", "instance-type", "kernel-id", "ram-disk-id", "ebs-optimized", "iam-instance-profile"},
	}
	if len(in.Versions) > 0 {
		// The versions asked for, each read by its key.
		var docs []*types.LaunchTemplateVersion
		for _, v := range in.Versions {
			ver, err := templateVersion(c, one, v)
			if err != nil {
				return nil, err
			}
			docs = append(docs, ver)
		}
		out, next, err := l.run(c, docs, nil, in.Filters, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &sdk.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: values(out), NextToken: next}, nil
	}
	out, next, err := pageTemplateVersions(c, l, one, in)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: values(out), NextToken: next}, nil
}

// versionRange is the span of version numbers MinVersion and MaxVersion
// leave of a template.
func versionRange(lt *types.LaunchTemplate, in *sdk.DescribeLaunchTemplateVersionsInput) (lo, hi int64) {
	lo, hi = 0, 1<<62
	if in.MinVersion != nil {
		if lo, _ = resolveVersion(lt, *in.MinVersion); lo == 0 {
			lo = 1
		}
	}
	if in.MaxVersion != nil {
		hi, _ = resolveVersion(lt, *in.MaxVersion)
	}
	return lo, hi
}

// pageTemplateVersions pages the versions of one template (or of every
// template when one is nil) by template creation, then version creation,
// from the token's position: the token names a template's and a version's
// place in the store, so a page reads about itself however many are held.
func pageTemplateVersions(c *api.Context, l listing[types.LaunchTemplateVersion], one *types.LaunchTemplate, in *sdk.DescribeLaunchTemplateVersionsInput) ([]*types.LaunchTemplateVersion, *string, error) {
	type position struct{ template, version int64 }
	keys := map[*types.LaunchTemplateVersion]position{}
	key := func(v *types.LaunchTemplateVersion) string {
		p := keys[v]
		return fmt.Sprintf("%d %d", p.template, p.version)
	}
	bad := apierror.New("InvalidNextToken", "The token '%s' is invalid.", aws.ToString(in.NextToken))
	read := func(after string, n int) ([]*types.LaunchTemplateVersion, error) {
		var from position
		if after != "" {
			if _, err := fmt.Sscanf(after, "%d %d", &from.template, &from.version); err != nil {
				return nil, bad
			}
		}
		var out []*types.LaunchTemplateVersion
		tseq := max(from.template-1, 0) // the token's template is read again for the versions after its own
		for len(out) < n {
			var lts []store.Item[types.LaunchTemplate]
			if one != nil {
				lts = []store.Item[types.LaunchTemplate]{{Doc: one}}
			} else {
				var err error
				if lts, err = templates.List(c.Tx, c.Scope(), store.Query{AfterSeq: tseq, Limit: n}); err != nil {
					return nil, err
				}
			}
			for _, t := range lts {
				lt := t.Doc
				lo, hi := versionRange(lt, in)
				vseq := int64(0)
				if t.Seq == from.template {
					vseq = from.version
				}
				for len(out) < n {
					vs, err := versions.List(c.Tx, c.Scope(), store.Query{Parent: aws.ToString(lt.LaunchTemplateId), AfterSeq: vseq, Limit: n})
					if err != nil {
						return nil, err
					}
					for _, it := range vs {
						vseq = it.Seq
						if v := aws.ToInt64(it.Doc.VersionNumber); v >= lo && v <= hi {
							it.Doc.DefaultVersion = aws.Bool(v == aws.ToInt64(lt.DefaultVersionNumber))
							keys[it.Doc] = position{t.Seq, it.Seq}
							out = append(out, it.Doc)
						}
					}
					if len(vs) < n {
						break
					}
				}
				if len(out) >= n {
					// Versions past n of this template are read again from the last kept.
					break
				}
				tseq = t.Seq
			}
			if one != nil || len(lts) < n {
				break
			}
		}
		return out, nil
	}
	var failed error
	page, next, err := api.PaginateKeyed(l.paging(c, ":keyed", in.MaxResults, in.NextToken), read, key, func(v *types.LaunchTemplateVersion) bool {
		if failed != nil {
			return false
		}
		ok, err := l.matches(v, in.Filters)
		failed = err
		return ok && err == nil
	})
	if err == nil {
		err = failed
	}
	return page, next, err
}
