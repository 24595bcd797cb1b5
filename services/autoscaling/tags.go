package autoscaling

import (
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
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
	items, err := Groups.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	var all []types.TagDescription
	for _, it := range items {
		for _, t := range it.Doc.Group.Tags {
			if matchTag(t, in.Filters) {
				all = append(all, t)
			}
		}
	}
	key := func(t types.TagDescription) string { return aws.ToString(t.ResourceId) + "\x00" + aws.ToString(t.Key) }
	slices.SortFunc(all, func(a, b types.TagDescription) int { return strings.Compare(key(a), key(b)) })
	page, next, err := api.PaginateSorted(all, func(t *types.TagDescription) string { return key(*t) }, asPaging(scope, in.NextToken, size), nil)
	if err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeTagsOutput{Tags: append([]types.TagDescription{}, page...), NextToken: next}
	return out, nil
}
