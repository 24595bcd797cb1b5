package autoscaling

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
)

// MaxTags is how many tags a group may carry.
const MaxTags = 50

const groupResourceType = "auto-scaling-group"

func registerTags(s *api.Service) {
	api.Handle(s, "CreateOrUpdateTags", createOrUpdateTags)
	api.Handle(s, "DeleteTags", deleteTags)
	api.Handle(s, "DescribeTags", describeTags)
}

func checkTags(tags []types.Tag) error {
	for _, t := range tags {
		key := aws.ToString(t.Key)
		if key == "" {
			return errValidation("Tag key cannot be empty.")
		}
		if strings.HasPrefix(strings.ToLower(key), "aws:") {
			return errValidation("Tag keys starting with 'aws:' are reserved for internal use")
		}
		if rt := aws.ToString(t.ResourceType); rt != "" && rt != groupResourceType {
			return errValidation("Invalid resource type: %s. Only auto-scaling-group is supported.", rt)
		}
	}
	return nil
}

// editGroupTags applies a tag request group by group, in the order the
// request first names each, and stores every group it edits.
func editGroupTags(c *api.Context, tags []types.Tag, edit func(doc *groupDoc, name string, tags []types.Tag) error) error {
	by, order, err := tagsByGroup(c, tags)
	if err != nil {
		return err
	}
	for _, name := range order {
		doc, err := mustGroup(c, name)
		if err != nil {
			return err
		}
		if err := edit(doc, name, by[name]); err != nil {
			return err
		}
		if err := putGroup(c, doc); err != nil {
			return err
		}
	}
	return nil
}

// upsertTag sets a tag on a group's list, replacing one with the same key.
func upsertTag(tags []types.TagDescription, group string, t types.Tag) []types.TagDescription {
	d := types.TagDescription{Key: t.Key, Value: aws.String(aws.ToString(t.Value)), ResourceId: aws.String(group),
		ResourceType: aws.String(groupResourceType), PropagateAtLaunch: aws.Bool(aws.ToBool(t.PropagateAtLaunch))}
	for i := range tags {
		if aws.ToString(tags[i].Key) == aws.ToString(t.Key) {
			tags[i] = d
			return tags
		}
	}
	tags = append(tags, d)
	slices.SortFunc(tags, func(a, b types.TagDescription) int { return strings.Compare(aws.ToString(a.Key), aws.ToString(b.Key)) })
	return tags
}

// tagsByGroup groups a tag request by the group it names.
func tagsByGroup(c *api.Context, tags []types.Tag) (map[string][]types.Tag, []string, error) {
	by := map[string][]types.Tag{}
	var order []string
	for _, t := range tags {
		if aws.ToString(t.ResourceType) != groupResourceType {
			return nil, nil, errValidation("Invalid resource type: %s. Only auto-scaling-group is supported.", aws.ToString(t.ResourceType))
		}
		id := aws.ToString(t.ResourceId)
		if _, ok := by[id]; !ok {
			order = append(order, id)
		}
		by[id] = append(by[id], t)
	}
	return by, order, nil
}

func createOrUpdateTags(c *api.Context, in *autoscaling.CreateOrUpdateTagsInput) (*autoscaling.CreateOrUpdateTagsOutput, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	return &autoscaling.CreateOrUpdateTagsOutput{}, editGroupTags(c, in.Tags, func(doc *groupDoc, name string, tags []types.Tag) error {
		for _, t := range tags {
			doc.Group.Tags = upsertTag(doc.Group.Tags, name, t)
		}
		if len(doc.Group.Tags) > MaxTags {
			return errLimitExceeded("The number of tags on AutoScalingGroup %s would exceed the limit of %d.", name, MaxTags)
		}
		return nil
	})
}

func deleteTags(c *api.Context, in *autoscaling.DeleteTagsInput) (*autoscaling.DeleteTagsOutput, error) {
	return &autoscaling.DeleteTagsOutput{}, editGroupTags(c, in.Tags, func(doc *groupDoc, _ string, tags []types.Tag) error {
		for _, t := range tags {
			doc.Group.Tags = slices.DeleteFunc(doc.Group.Tags, func(d types.TagDescription) bool {
				// A value given must match; without one the key goes.
				return aws.ToString(d.Key) == aws.ToString(t.Key) && (t.Value == nil || aws.ToString(d.Value) == aws.ToString(t.Value))
			})
		}
		return nil
	})
}

var tagFilterNames = []string{"auto-scaling-group", "key", "value", "propagate-at-launch"}

func matchTag(t types.TagDescription, filters []types.Filter) bool {
	for _, f := range filters {
		var v string
		switch aws.ToString(f.Name) {
		case "auto-scaling-group":
			v = aws.ToString(t.ResourceId)
		case "key":
			v = aws.ToString(t.Key)
		case "value":
			v = aws.ToString(t.Value)
		case "propagate-at-launch":
			v = strconv.FormatBool(aws.ToBool(t.PropagateAtLaunch))
		}
		if !slices.Contains(f.Values, v) {
			return false
		}
	}
	return true
}

func describeTags(c *api.Context, in *autoscaling.DescribeTagsInput) (*autoscaling.DescribeTagsOutput, error) {
	for _, f := range in.Filters {
		if !slices.Contains(tagFilterNames, aws.ToString(f.Name)) {
			return nil, errValidation("Filter type %s is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch", aws.ToString(f.Name))
		}
	}
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	const scope = "autoscaling:DescribeTags"
	// Tags are listed by group name, then key. Groups are read in name order
	// (their id order) from the token's group, or only the ones an
	// auto-scaling-group filter names, so a page reads about itself.
	groupsAfter := func(after string, n int) ([]*groupDoc, error) {
		items, err := Groups.IDPage(c.Tx, c.Scope(), "", after, false, n)
		out := make([]*groupDoc, len(items))
		for i := range items {
			out[i] = items[i].Doc
		}
		return out, err
	}
	for _, f := range in.Filters {
		if aws.ToString(f.Name) != "auto-scaling-group" {
			continue
		}
		names := slices.Clone(f.Values)
		slices.Sort(names)
		names = slices.Compact(names)
		groupsAfter = func(after string, n int) ([]*groupDoc, error) {
			var out []*groupDoc
			for _, name := range names {
				if name <= after || len(out) == n {
					continue
				}
				doc, err := Groups.Get(c.Tx, c.Scope(), name)
				if err != nil {
					return nil, err
				}
				if doc != nil {
					out = append(out, doc)
				}
			}
			return out, nil
		}
		break
	}
	key := func(t *types.TagDescription) string { return aws.ToString(t.ResourceId) + "\x00" + aws.ToString(t.Key) }
	sortedTags := func(doc *groupDoc, afterKey string) []*types.TagDescription {
		var out []*types.TagDescription
		for i := range doc.Group.Tags {
			if t := &doc.Group.Tags[i]; afterKey == "" || aws.ToString(t.Key) > afterKey {
				out = append(out, t)
			}
		}
		slices.SortFunc(out, func(a, b *types.TagDescription) int { return strings.Compare(key(a), key(b)) })
		return out
	}
	read := func(after string, n int) ([]*types.TagDescription, error) {
		group, afterKey, _ := strings.Cut(after, "\x00")
		var out []*types.TagDescription
		if after != "" {
			// The rest of the token's group first.
			doc, err := Groups.Get(c.Tx, c.Scope(), group)
			if err != nil {
				return nil, err
			}
			if doc != nil {
				out = sortedTags(doc, afterKey)
			}
		}
		for len(out) < n {
			docs, err := groupsAfter(group, n)
			if err != nil {
				return nil, err
			}
			for _, doc := range docs {
				group = aws.ToString(doc.Group.AutoScalingGroupName)
				out = append(out, sortedTags(doc, "")...)
			}
			if len(docs) < n {
				break
			}
		}
		return out, nil
	}
	page, next, err := api.PaginateKeyed(asPaging(scope, in.NextToken, size), read, key, func(t *types.TagDescription) bool { return matchTag(*t, in.Filters) })
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeTagsOutput{Tags: []types.TagDescription{}, NextToken: next}
	for _, t := range page {
		out.Tags = append(out.Tags, *t)
	}
	return out, nil
}
