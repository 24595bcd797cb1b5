package servicediscovery

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// maxTags is how many tags a resource holds.
const maxTags = 50

func checkTags(tags []types.Tag) error {
	if len(tags) > maxTags {
		return apierror.New("TooManyTagsException", "The resource can't have more than %d tags.", maxTags)
	}
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(aws.ToString(t.Key)), "aws:") {
			return invalidInput("Tag keys that start with aws: are reserved for AWS use.")
		}
	}
	return nil
}

// tagged is a resource that carries tags: a namespace or a service.
type tagged struct {
	tags *[]types.Tag
	save func() error
}

func taggedResource(c *api.Context, arn string) (*tagged, error) {
	notFound := apierror.New("ResourceNotFoundException", "The operation can't be completed because the resource was not found.")
	prefix := c.ARNPrefix() + "servicediscovery:" + c.Region + ":" + c.Account() + ":"
	if !strings.HasPrefix(arn, prefix) {
		return nil, notFound
	}
	rest := strings.TrimPrefix(arn, prefix)
	switch {
	case strings.HasPrefix(rest, "namespace/"):
		ns, err := namespaces.Get(c.Tx, c.Scope(), strings.TrimPrefix(rest, "namespace/"))
		if err != nil || ns == nil {
			return nil, orNotFound(err, notFound)
		}
		return &tagged{tags: &ns.Tags, save: func() error { return putNamespace(c, ns) }}, nil
	case strings.HasPrefix(rest, "service/"):
		s, err := services.Get(c.Tx, c.Scope(), strings.TrimPrefix(rest, "service/"))
		if err != nil || s == nil {
			return nil, orNotFound(err, notFound)
		}
		return &tagged{tags: &s.Tags, save: func() error { return putService(c, s) }}, nil
	}
	return nil, notFound
}

func orNotFound(err error, nf error) error {
	if err != nil {
		return err
	}
	return nf
}

func tagResource(c *api.Context, in *sd.TagResourceInput) (*sd.TagResourceOutput, error) {
	r, err := taggedResource(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	tags := *r.tags
	for _, t := range in.Tags {
		replaced := false
		for i := range tags {
			if aws.ToString(tags[i].Key) == aws.ToString(t.Key) {
				tags[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			tags = append(tags, t)
		}
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	*r.tags = tags
	return &sd.TagResourceOutput{}, r.save()
}

func untagResource(c *api.Context, in *sd.UntagResourceInput) (*sd.UntagResourceOutput, error) {
	r, err := taggedResource(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	var kept []types.Tag
	for _, t := range *r.tags {
		drop := false
		for _, k := range in.TagKeys {
			if k == aws.ToString(t.Key) {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	*r.tags = kept
	return &sd.UntagResourceOutput{}, r.save()
}

func listTagsForResource(c *api.Context, in *sd.ListTagsForResourceInput) (*sd.ListTagsForResourceOutput, error) {
	r, err := taggedResource(c, aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	out := &sd.ListTagsForResourceOutput{Tags: []types.Tag{}}
	out.Tags = append(out.Tags, *r.tags...)
	return out, nil
}
