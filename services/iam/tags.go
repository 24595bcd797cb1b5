package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// maxTags is IAM's limit of tags per entity.
const maxTags = 50

// checkNewTags refuses reserved and duplicate keys in a request's tags.
func checkNewTags(tags []types.Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(aws.ToString(t.Key))
		if strings.HasPrefix(k, "aws:") {
			return apierror.New("InvalidInput", "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS tags.")
		}
		if seen[k] {
			return apierror.New("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	if len(tags) > maxTags {
		return tooManyTags()
	}
	return nil
}

func tooManyTags() error {
	return apierror.New("LimitExceeded", "The number of tags has reached the maximum limit.")
}

// mergeTags adds or replaces tags (keys compare without case) and enforces the limit.
func mergeTags(have, add []types.Tag) ([]types.Tag, error) {
	if err := checkNewTags(add); err != nil {
		return nil, err
	}
	out := append([]types.Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(aws.ToString(out[i].Key), aws.ToString(t.Key)) {
				out[i] = types.Tag{Key: t.Key, Value: aws.String(aws.ToString(t.Value))}
				replaced = true
			}
		}
		if !replaced {
			out = append(out, types.Tag{Key: t.Key, Value: aws.String(aws.ToString(t.Value))})
		}
	}
	if len(out) > maxTags {
		return nil, tooManyTags()
	}
	return out, nil
}

// removeTags drops the tags with the given keys (without case).
func removeTags(have []types.Tag, keys []string) ([]types.Tag, error) {
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, apierror.New("InvalidInput", "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS tags.")
		}
	}
	var out []types.Tag
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(aws.ToString(t.Key), k) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out, nil
}

// pageTags is a page of an entity's tags.
func pageTags(c *api.Context, listing string, tags []types.Tag, marker *string, maxItems *int32) ([]types.Tag, paging, error) {
	out, pg, err := paginate(c, listing, tags, byIndex, marker, maxItems)
	if out == nil {
		out = []types.Tag{}
	}
	return out, pg, err
}

func registerTags(s *api.Service) {
	api.Handle(s, "TagUser", func(c *api.Context, in *iam.TagUserInput) (*iam.TagUserOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.Tags, err = mergeTags(u.Tags, in.Tags); err != nil {
			return nil, err
		}
		return &iam.TagUserOutput{}, PutUser(c, u)
	})
	api.Handle(s, "UntagUser", func(c *api.Context, in *iam.UntagUserInput) (*iam.UntagUserOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		if u.Tags, err = removeTags(u.Tags, in.TagKeys); err != nil {
			return nil, err
		}
		return &iam.UntagUserOutput{}, PutUser(c, u)
	})
	api.Handle(s, "ListUserTags", func(c *api.Context, in *iam.ListUserTagsInput) (*iam.ListUserTagsOutput, error) {
		u, err := GetUser(c, aws.ToString(in.UserName))
		if err != nil {
			return nil, err
		}
		tags, pg, err := pageTags(c, "ListUserTags:"+nameKey(*u.UserName), u.Tags, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListUserTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
	api.Handle(s, "TagRole", func(c *api.Context, in *iam.TagRoleInput) (*iam.TagRoleOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.Tags, err = mergeTags(r.Tags, in.Tags); err != nil {
			return nil, err
		}
		return &iam.TagRoleOutput{}, PutRole(c, r)
	})
	api.Handle(s, "UntagRole", func(c *api.Context, in *iam.UntagRoleInput) (*iam.UntagRoleOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if r.Tags, err = removeTags(r.Tags, in.TagKeys); err != nil {
			return nil, err
		}
		return &iam.UntagRoleOutput{}, PutRole(c, r)
	})
	api.Handle(s, "ListRoleTags", func(c *api.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
		r, err := GetRole(c, aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		tags, pg, err := pageTags(c, "ListRoleTags:"+nameKey(*r.RoleName), r.Tags, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListRoleTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
	api.Handle(s, "TagPolicy", func(c *api.Context, in *iam.TagPolicyInput) (*iam.TagPolicyOutput, error) {
		p, err := getLocalPolicy(c, aws.ToString(in.PolicyArn))
		if err != nil {
			return nil, err
		}
		if p.Tags, err = mergeTags(p.Tags, in.Tags); err != nil {
			return nil, err
		}
		return &iam.TagPolicyOutput{}, PutPolicy(c, p)
	})
	api.Handle(s, "UntagPolicy", func(c *api.Context, in *iam.UntagPolicyInput) (*iam.UntagPolicyOutput, error) {
		p, err := getLocalPolicy(c, aws.ToString(in.PolicyArn))
		if err != nil {
			return nil, err
		}
		if p.Tags, err = removeTags(p.Tags, in.TagKeys); err != nil {
			return nil, err
		}
		return &iam.UntagPolicyOutput{}, PutPolicy(c, p)
	})
	api.Handle(s, "ListPolicyTags", func(c *api.Context, in *iam.ListPolicyTagsInput) (*iam.ListPolicyTagsOutput, error) {
		p, err := GetPolicy(c, aws.ToString(in.PolicyArn))
		if err != nil {
			return nil, err
		}
		tags, pg, err := pageTags(c, "ListPolicyTags:"+aws.ToString(p.Arn), p.Tags, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListPolicyTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
	api.Handle(s, "TagInstanceProfile", func(c *api.Context, in *iam.TagInstanceProfileInput) (*iam.TagInstanceProfileOutput, error) {
		p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		if p.Tags, err = mergeTags(p.Tags, in.Tags); err != nil {
			return nil, err
		}
		return &iam.TagInstanceProfileOutput{}, PutInstanceProfile(c, p)
	})
	api.Handle(s, "UntagInstanceProfile", func(c *api.Context, in *iam.UntagInstanceProfileInput) (*iam.UntagInstanceProfileOutput, error) {
		p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		if p.Tags, err = removeTags(p.Tags, in.TagKeys); err != nil {
			return nil, err
		}
		return &iam.UntagInstanceProfileOutput{}, PutInstanceProfile(c, p)
	})
	api.Handle(s, "ListInstanceProfileTags", func(c *api.Context, in *iam.ListInstanceProfileTagsInput) (*iam.ListInstanceProfileTagsOutput, error) {
		p, err := GetInstanceProfile(c, aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		tags, pg, err := pageTags(c, "ListInstanceProfileTags:"+nameKey(*p.InstanceProfileName), p.Tags, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListInstanceProfileTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, nil
	})
}
