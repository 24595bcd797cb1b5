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

// tagRules are how one family of IAM entities merges, removes and pages tags:
// users, roles, policies and instance profiles share one set, identity
// providers (with their own quota names and markers) another.
type tagRules struct {
	merge  func(have, add []types.Tag) ([]types.Tag, error)
	remove func(have []types.Tag, keys []string) ([]types.Tag, error)
	page   func(c *api.Context, listing string, tags []types.Tag, marker *string, maxItems *int32) ([]types.Tag, paging, error)
}

var entityTagRules = tagRules{merge: mergeTags, remove: removeTags,
	page: func(c *api.Context, listing string, tags []types.Tag, marker *string, maxItems *int32) ([]types.Tag, paging, error) {
		return paginateList(c, listing, tags, byIndex, marker, maxItems)
	}}

// taggable is one kind of entity with Tag, Untag and List...Tags operations.
type taggable[T any] struct {
	rules tagRules
	load  func(c *api.Context, id string) (*T, error)
	// loadToChange loads an entity about to be tagged or untagged.
	loadToChange func(c *api.Context, id string) (*T, error)
	save         func(c *api.Context, v *T) error
	tags         func(v *T) *[]types.Tag
	// listing names the entity's tag listing, which its markers are signed for.
	listing func(v *T) string
}

func (k taggable[T]) tag(c *api.Context, id *string, add []types.Tag) error {
	return k.change(c, id, func(have []types.Tag) ([]types.Tag, error) { return k.rules.merge(have, add) })
}

func (k taggable[T]) untag(c *api.Context, id *string, keys []string) error {
	return k.change(c, id, func(have []types.Tag) ([]types.Tag, error) { return k.rules.remove(have, keys) })
}

func (k taggable[T]) change(c *api.Context, id *string, edit func([]types.Tag) ([]types.Tag, error)) error {
	v, err := k.loadToChange(c, aws.ToString(id))
	if err != nil {
		return err
	}
	tags := k.tags(v)
	if *tags, err = edit(*tags); err != nil {
		return err
	}
	return k.save(c, v)
}

func (k taggable[T]) list(c *api.Context, id, marker *string, maxItems *int32) ([]types.Tag, paging, error) {
	v, err := k.load(c, aws.ToString(id))
	if err != nil {
		return nil, paging{}, err
	}
	return k.rules.page(c, k.listing(v), *k.tags(v), marker, maxItems)
}

var (
	userTags = taggable[User]{rules: entityTagRules, load: GetUser, loadToChange: GetUser, save: PutUser,
		tags:    func(u *User) *[]types.Tag { return &u.Tags },
		listing: func(u *User) string { return "ListUserTags:" + nameKey(*u.UserName) }}
	roleTags = taggable[Role]{rules: entityTagRules, load: GetRole, loadToChange: GetRole, save: PutRole,
		tags:    func(r *Role) *[]types.Tag { return &r.Tags },
		listing: func(r *Role) string { return "ListRoleTags:" + nameKey(*r.RoleName) }}
	// Only a customer-managed policy can be tagged; any can be listed.
	policyTags = taggable[ManagedPolicy]{rules: entityTagRules, load: GetPolicy, loadToChange: getLocalPolicy, save: PutPolicy,
		tags:    func(p *ManagedPolicy) *[]types.Tag { return &p.Tags },
		listing: func(p *ManagedPolicy) string { return "ListPolicyTags:" + aws.ToString(p.Arn) }}
	instanceProfileTags = taggable[InstanceProfile]{rules: entityTagRules, load: GetInstanceProfile, loadToChange: GetInstanceProfile, save: PutInstanceProfile,
		tags:    func(p *InstanceProfile) *[]types.Tag { return &p.Tags },
		listing: func(p *InstanceProfile) string { return "ListInstanceProfileTags:" + nameKey(*p.InstanceProfileName) }}
)

func registerTags(s *api.Service) {
	api.Handle(s, "TagUser", func(c *api.Context, in *iam.TagUserInput) (*iam.TagUserOutput, error) {
		return &iam.TagUserOutput{}, userTags.tag(c, in.UserName, in.Tags)
	})
	api.Handle(s, "UntagUser", func(c *api.Context, in *iam.UntagUserInput) (*iam.UntagUserOutput, error) {
		return &iam.UntagUserOutput{}, userTags.untag(c, in.UserName, in.TagKeys)
	})
	api.Handle(s, "ListUserTags", func(c *api.Context, in *iam.ListUserTagsInput) (*iam.ListUserTagsOutput, error) {
		tags, pg, err := userTags.list(c, in.UserName, in.Marker, in.MaxItems)
		return &iam.ListUserTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
	api.Handle(s, "TagRole", func(c *api.Context, in *iam.TagRoleInput) (*iam.TagRoleOutput, error) {
		return &iam.TagRoleOutput{}, roleTags.tag(c, in.RoleName, in.Tags)
	})
	api.Handle(s, "UntagRole", func(c *api.Context, in *iam.UntagRoleInput) (*iam.UntagRoleOutput, error) {
		return &iam.UntagRoleOutput{}, roleTags.untag(c, in.RoleName, in.TagKeys)
	})
	api.Handle(s, "ListRoleTags", func(c *api.Context, in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
		tags, pg, err := roleTags.list(c, in.RoleName, in.Marker, in.MaxItems)
		return &iam.ListRoleTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
	api.Handle(s, "TagPolicy", func(c *api.Context, in *iam.TagPolicyInput) (*iam.TagPolicyOutput, error) {
		return &iam.TagPolicyOutput{}, policyTags.tag(c, in.PolicyArn, in.Tags)
	})
	api.Handle(s, "UntagPolicy", func(c *api.Context, in *iam.UntagPolicyInput) (*iam.UntagPolicyOutput, error) {
		return &iam.UntagPolicyOutput{}, policyTags.untag(c, in.PolicyArn, in.TagKeys)
	})
	api.Handle(s, "ListPolicyTags", func(c *api.Context, in *iam.ListPolicyTagsInput) (*iam.ListPolicyTagsOutput, error) {
		tags, pg, err := policyTags.list(c, in.PolicyArn, in.Marker, in.MaxItems)
		return &iam.ListPolicyTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
	api.Handle(s, "TagInstanceProfile", func(c *api.Context, in *iam.TagInstanceProfileInput) (*iam.TagInstanceProfileOutput, error) {
		return &iam.TagInstanceProfileOutput{}, instanceProfileTags.tag(c, in.InstanceProfileName, in.Tags)
	})
	api.Handle(s, "UntagInstanceProfile", func(c *api.Context, in *iam.UntagInstanceProfileInput) (*iam.UntagInstanceProfileOutput, error) {
		return &iam.UntagInstanceProfileOutput{}, instanceProfileTags.untag(c, in.InstanceProfileName, in.TagKeys)
	})
	api.Handle(s, "ListInstanceProfileTags", func(c *api.Context, in *iam.ListInstanceProfileTagsInput) (*iam.ListInstanceProfileTagsOutput, error) {
		tags, pg, err := instanceProfileTags.list(c, in.InstanceProfileName, in.Marker, in.MaxItems)
		return &iam.ListInstanceProfileTagsOutput{Tags: tags, IsTruncated: pg.Truncated, Marker: pg.Marker}, err
	})
}
