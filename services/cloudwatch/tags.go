package cloudwatch

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerTags(s *api.Service) {
	api.Handle(s, "TagResource", tagResource)
	api.Handle(s, "UntagResource", untagResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)
}

// taggable checks that an ARN names an existing alarm of the caller.
func taggable(c *api.Context, arn string) error {
	sc := c.Scope()
	name := alarmNameOf(arn)
	if arn != AlarmARN(sc, name) {
		return invalidValue("The value %s for parameter ResourceARN is invalid.", arn)
	}
	r, err := Alarms.Get(c.Tx, sc, name)
	if err != nil {
		return err
	}
	if r == nil {
		return apierror.New("ResourceNotFoundException", "Alarm %s does not exist.", name)
	}
	return nil
}

func tagResource(c *api.Context, in *cloudwatch.TagResourceInput) (*cloudwatch.TagResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggable(c, arn); err != nil {
		return nil, err
	}
	tags, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	var cur []types.Tag
	if tags != nil {
		cur = *tags
	}
	for _, t := range in.Tags {
		replaced := false
		for i := range cur {
			if aws.ToString(cur[i].Key) == aws.ToString(t.Key) {
				cur[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			cur = append(cur, t)
		}
	}
	if len(cur) > 50 {
		return nil, apierror.New("LimitExceededFault", "The maximum number of tags per resource (50) has been reached.")
	}
	return &cloudwatch.TagResourceOutput{}, Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, &cur)
}

func untagResource(c *api.Context, in *cloudwatch.UntagResourceInput) (*cloudwatch.UntagResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggable(c, arn); err != nil {
		return nil, err
	}
	tags, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil || tags == nil {
		return &cloudwatch.UntagResourceOutput{}, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	kept := []types.Tag{}
	for _, t := range *tags {
		if !drop[aws.ToString(t.Key)] {
			kept = append(kept, t)
		}
	}
	return &cloudwatch.UntagResourceOutput{}, Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, &kept)
}

func listTagsForResource(c *api.Context, in *cloudwatch.ListTagsForResourceInput) (*cloudwatch.ListTagsForResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggable(c, arn); err != nil {
		return nil, err
	}
	tags, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	out := &cloudwatch.ListTagsForResourceOutput{Tags: []types.Tag{}}
	if tags != nil {
		out.Tags = *tags
	}
	return out, nil
}
