package appautoscaling

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxTags is the number of tags a scalable target can have.
const maxTags = 50

// taggedTarget checks that an ARN names a registered scalable target.
func taggedTarget(c *api.Context, arn string) error {
	items, err := Targets.List(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return err
	}
	for _, it := range items {
		if aws.ToString(it.Doc.Target.ScalableTargetARN) == arn {
			return nil
		}
	}
	return apierror.New("ResourceNotFoundException", "Scalable target with ARN %s not found.", arn)
}

func tagResource(c *api.Context, in *applicationautoscaling.TagResourceInput) (*applicationautoscaling.TagResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggedTarget(c, arn); err != nil {
		return nil, err
	}
	for k := range in.Tags {
		if strings.HasPrefix(k, "aws:") {
			return nil, errValidation("Tag keys starting with aws: are reserved for AWS use")
		}
	}
	cur, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	if cur != nil {
		tags = *cur
	}
	for k, v := range in.Tags {
		tags[k] = v
	}
	if len(tags) > maxTags {
		return nil, apierror.New("TooManyTagsException", "The maximum number of tags (%d) for resource %s has been reached.", maxTags, arn)
	}
	return &applicationautoscaling.TagResourceOutput{}, Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, &tags)
}

func untagResource(c *api.Context, in *applicationautoscaling.UntagResourceInput) (*applicationautoscaling.UntagResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggedTarget(c, arn); err != nil {
		return nil, err
	}
	cur, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil || cur == nil {
		return &applicationautoscaling.UntagResourceOutput{}, err
	}
	for _, k := range in.TagKeys {
		delete(*cur, k)
	}
	return &applicationautoscaling.UntagResourceOutput{}, Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, cur)
}

func listTagsForResource(c *api.Context, in *applicationautoscaling.ListTagsForResourceInput) (*applicationautoscaling.ListTagsForResourceOutput, error) {
	arn := aws.ToString(in.ResourceARN)
	if err := taggedTarget(c, arn); err != nil {
		return nil, err
	}
	cur, err := Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	out := &applicationautoscaling.ListTagsForResourceOutput{Tags: map[string]string{}}
	if cur != nil {
		out.Tags = *cur
	}
	return out, nil
}
