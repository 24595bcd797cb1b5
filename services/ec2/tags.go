package ec2

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

func registerTags(s *api.Service) {
	handle(s, "CreateTags", createTags)
	handle(s, "DeleteTags", deleteTags)
	handle(s, "DescribeTags", describeTags)
}

// specTags returns the tags a create call's TagSpecifications give resourceType.
func specTags(specs []types.TagSpecification, resourceType string) ([]types.Tag, error) {
	out := specTagsOf(specs, resourceType)
	return out, checkTags(out)
}

// specTagsOf collects the tags of resourceType without checks: AWS services
// (Auto Scaling's aws:autoscaling:groupName) may set reserved aws: keys.
func specTagsOf(specs []types.TagSpecification, resourceType string) []types.Tag {
	var out []types.Tag
	for _, s := range specs {
		if string(s.ResourceType) != resourceType {
			continue
		}
		out = mergeTags(out, s.Tags)
	}
	return out
}

func checkTags(tags []types.Tag) error {
	if len(tags) > 50 {
		return apierror.New("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
	}
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(aws.ToString(t.Key)), "aws:") {
			return invalidParam("Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	return nil
}

// mergeTags sets each tag of add on base, replacing values of existing keys.
func mergeTags(base, add []types.Tag) []types.Tag {
	out := append([]types.Tag(nil), base...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if aws.ToString(out[i].Key) == aws.ToString(t.Key) {
				out[i].Value = aws.String(aws.ToString(t.Value))
				replaced = true
			}
		}
		if !replaced {
			out = append(out, types.Tag{Key: t.Key, Value: aws.String(aws.ToString(t.Value))})
		}
	}
	return out
}

func targetOf(id string) (tagTarget, error) {
	t, ok := tagTargets[idPrefix(id)]
	if !ok {
		return tagTarget{}, apierror.New("InvalidID", "The ID '%s' is not valid", id)
	}
	return t, nil
}

func createTags(c *api.Context, in *sdk.CreateTagsInput) (*sdk.CreateTagsOutput, error) {
	return &sdk.CreateTagsOutput{}, retag(c, in.Resources, func(tags []types.Tag) ([]types.Tag, error) {
		merged := mergeTags(tags, in.Tags)
		return merged, checkTags(merged)
	})
}

func deleteTags(c *api.Context, in *sdk.DeleteTagsInput) (*sdk.DeleteTagsOutput, error) {
	return &sdk.DeleteTagsOutput{}, retag(c, in.Resources, func(tags []types.Tag) ([]types.Tag, error) {
		var kept []types.Tag
		for _, tag := range tags {
			if !removesTag(in.Tags, tag) {
				kept = append(kept, tag)
			}
		}
		return kept, nil
	})
}

// retag rewrites the tags of each resource named, in turn; a resource that
// does not exist, or new tags that are refused, stop the request there.
func retag(c *api.Context, ids []string, rewrite func(tags []types.Tag) ([]types.Tag, error)) error {
	for _, id := range ids {
		t, err := targetOf(id)
		if err != nil {
			return err
		}
		tags, ok, err := t.getTags(c, id)
		if err != nil {
			return err
		}
		if !ok {
			return notFound(id)
		}
		tags, err = rewrite(tags)
		if err != nil {
			return err
		}
		if err := t.setTags(c, id, tags); err != nil {
			return err
		}
	}
	return nil
}

// removesTag: a key alone removes the tag; a key and a value only when the value matches.
func removesTag(del []types.Tag, tag types.Tag) bool {
	if len(del) == 0 {
		return true
	}
	for _, d := range del {
		if aws.ToString(d.Key) != aws.ToString(tag.Key) {
			continue
		}
		if d.Value == nil || aws.ToString(d.Value) == aws.ToString(tag.Value) {
			return true
		}
	}
	return false
}

func describeTags(c *api.Context, in *sdk.DescribeTagsInput) (*sdk.DescribeTagsOutput, error) {
	prefixes := make([]string, 0, len(tagTargets))
	for p := range tagTargets {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	var all []*types.TagDescription
	for _, p := range prefixes {
		t := tagTargets[p]
		byID, ids, err := t.listAll(c)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			for _, tag := range byID[id] {
				all = append(all, &types.TagDescription{Key: tag.Key, Value: tag.Value, ResourceId: aws.String(id), ResourceType: types.ResourceType(t.resourceType)})
			}
		}
	}
	l := listing[types.TagDescription]{op: "DescribeTags",
		filters: []string{"key", "value", "resource-id", "resource-type"},
		fields: func(d *types.TagDescription) fields {
			return fields{"key": {aws.ToString(d.Key)}, "value": {aws.ToString(d.Value)}, "resource-id": {aws.ToString(d.ResourceId)}, "resource-type": {string(d.ResourceType)}}
		}}
	out, next, err := l.run(c, all, nil, in.Filters, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeTagsOutput{Tags: values(out), NextToken: next}, nil
}
