package ssm

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/services/api"
)

// taggedParameter loads the parameter a tagging call names; Parameter Store
// only tags parameters here.
func taggedParameter(c *api.Context, rt types.ResourceTypeForTagging, id string) (*parameter, error) {
	if rt != types.ResourceTypeForTaggingParameter {
		return nil, apiErr("InvalidResourceType", "")
	}
	p, err := parameters.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, apiErr("InvalidResourceId", "")
	}
	return p, nil
}

func saveTags(c *api.Context, p *parameter) error {
	return storeParameter(c.Tx, c.Scope(), p)
}

func addTagsToResource(c *api.Context, in *sdk.AddTagsToResourceInput) (*sdk.AddTagsToResourceOutput, error) {
	p, err := taggedParameter(c, in.ResourceType, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		k, v := aws.ToString(t.Key), aws.ToString(t.Value)
		replaced := false
		for i := range p.Tags {
			if p.Tags[i].Key == k {
				p.Tags[i].Value, replaced = v, true
			}
		}
		if !replaced {
			p.Tags = append(p.Tags, tag{Key: k, Value: v})
		}
	}
	if len(p.Tags) > 50 {
		return nil, apiErr("TooManyTagsError", "The Tags parameter contains too many tags. You can apply a maximum of 50 tags to a resource.")
	}
	return &sdk.AddTagsToResourceOutput{}, saveTags(c, p)
}

func listTagsForResource(c *api.Context, in *sdk.ListTagsForResourceInput) (*sdk.ListTagsForResourceOutput, error) {
	p, err := taggedParameter(c, in.ResourceType, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	out := &sdk.ListTagsForResourceOutput{TagList: []types.Tag{}}
	for _, t := range p.Tags {
		out.TagList = append(out.TagList, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out, nil
}

func removeTagsFromResource(c *api.Context, in *sdk.RemoveTagsFromResourceInput) (*sdk.RemoveTagsFromResourceOutput, error) {
	p, err := taggedParameter(c, in.ResourceType, aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	var kept []tag
	for _, t := range p.Tags {
		if !hasLabel(in.TagKeys, t.Key) {
			kept = append(kept, t)
		}
	}
	p.Tags = kept
	return &sdk.RemoveTagsFromResourceOutput{}, saveTags(c, p)
}
