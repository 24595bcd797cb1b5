package ec2

import (
	"cmp"
	"fmt"
	"slices"
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
	l := listing[types.TagDescription]{op: "DescribeTags",
		filters: []string{"key", "value", "resource-id", "resource-type"},
		fields: func(d *types.TagDescription) fields {
			return fields{"key": {aws.ToString(d.Key)}, "value": {aws.ToString(d.Value)}, "resource-id": {aws.ToString(d.ResourceId)}, "resource-type": {string(d.ResourceType)}}
		}}
	// A filter EC2 does not know may fail on any tag read, wherever it is:
	// then no kind is left out.
	var badFilter error
	for _, f := range in.Filters {
		_, err := matchFilters([]types.Filter{f}, fields{}, nil, func(n string) bool { return slices.Contains(l.filters, n) })
		badFilter = cmp.Or(badFilter, err)
	}
	prefixes := make([]string, 0, len(tagTargets))
	for p, t := range tagTargets {
		if badFilter != nil || tagKindWanted(p, t.resourceType, in.Filters) {
			prefixes = append(prefixes, p)
		}
	}
	sort.Strings(prefixes)
	// Tags are listed by kind (id prefix), then the resource's creation, then
	// the resource's order of tags; the token names that position, and a page
	// reads resources from it, not every resource held.
	type position struct {
		kind  string
		seq   int64
		index int
	}
	keys := map[*types.TagDescription]position{}
	key := func(d *types.TagDescription) string {
		p := keys[d]
		return fmt.Sprintf("%s %020d %06d", p.kind, p.seq, p.index)
	}
	read := func(after string, n int) ([]*types.TagDescription, error) {
		var from position
		if after != "" {
			if _, err := fmt.Sscanf(after, "%s %d %d", &from.kind, &from.seq, &from.index); err != nil {
				return nil, apierror.New("InvalidNextToken", "The token '%s' is invalid.", after)
			}
		}
		var out []*types.TagDescription
		for _, p := range prefixes {
			if p < from.kind {
				continue
			}
			t := tagTargets[p]
			// The token's resource is read again for the tags after its own.
			seq := int64(0)
			if p == from.kind {
				seq = from.seq - 1
			}
			for len(out) < n {
				docs, err := t.after(c, seq, n)
				if err != nil {
					return nil, err
				}
				for _, d := range docs {
					seq = d.seq
					for i, tag := range d.tags {
						if p == from.kind && (d.seq < from.seq || d.seq == from.seq && i <= from.index) {
							continue
						}
						td := &types.TagDescription{Key: tag.Key, Value: tag.Value, ResourceId: aws.String(d.id), ResourceType: types.ResourceType(t.resourceType)}
						keys[td] = position{p, d.seq, i}
						out = append(out, td)
					}
				}
				if len(docs) < n {
					break
				}
			}
			if len(out) >= n {
				break
			}
		}
		return out, nil
	}
	var failed error
	page, next, err := api.PaginateKeyed(l.paging(c, ":keyed", in.MaxResults, in.NextToken), read, key, func(d *types.TagDescription) bool {
		if failed != nil {
			return false
		}
		ok, err := l.matches(d, in.Filters)
		failed = err
		return ok && err == nil
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return nil, err
	}
	return &sdk.DescribeTagsOutput{Tags: values(page), NextToken: next}, nil
}

// tagKindWanted tells whether a kind's tags can pass DescribeTags' filters:
// a resource-type or resource-id filter without wildcards names the kinds
// it passes, so that the others are not read.
func tagKindWanted(prefix, resourceType string, filters []types.Filter) bool {
	for _, f := range filters {
		var match func(v string) bool
		switch aws.ToString(f.Name) {
		case "resource-type":
			match = func(v string) bool { return v == resourceType }
		case "resource-id":
			match = func(v string) bool { return idPrefix(v) == prefix }
		default:
			continue
		}
		if !slices.ContainsFunc(f.Values, func(v string) bool { return strings.ContainsAny(v, `*?\`) }) && !slices.ContainsFunc(f.Values, match) {
			return false
		}
	}
	return true
}
