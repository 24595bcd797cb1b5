package elbv2

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// maxTags is AWS's limit of tags per resource.
const maxTags = 50

func (h *handlers) registerTags(s *api.Service) {
	api.Handle(s, "AddTags", h.addTags)
	api.Handle(s, "RemoveTags", h.removeTags)
	api.Handle(s, "DescribeTags", h.describeTags)
}

func validateNewTags(tags []types.Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if seen[k] {
			return errDuplicateTagKeys(k)
		}
		seen[k] = true
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errValidation("Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	if len(tags) > maxTags {
		return apiErr("TooManyTags", "The quota for the number of tags that can be assigned to a load balancer has been reached")
	}
	return nil
}

// mergeTags sets tags over existing ones, keeping the order keys first appeared in.
func mergeTags(have, add []types.Tag) []types.Tag {
	out := append([]types.Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if aws.ToString(out[i].Key) == aws.ToString(t.Key) {
				out[i].Value = t.Value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, types.Tag{Key: t.Key, Value: t.Value})
		}
	}
	return out
}

func getTags(tx *store.Tx, sc store.Scope, arn string) ([]types.Tag, error) {
	t, err := tagSets.Get(tx, sc, arn)
	if err != nil || t == nil {
		return nil, err
	}
	return *t, nil
}

func putTags(tx *store.Tx, sc store.Scope, arn string, tags []types.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	have, err := getTags(tx, sc, arn)
	if err != nil {
		return err
	}
	merged := mergeTags(have, tags)
	if len(merged) > maxTags {
		return apiErr("TooManyTags", "The quota for the number of tags that can be assigned to a load balancer has been reached")
	}
	return tagSets.Put(tx, sc, arn, store.Index{}, &merged)
}

// checkTaggable fails unless arn names an existing taggable resource of the caller.
func checkTaggable(c *api.Context, arn string) error {
	sc := c.Scope()
	var exists bool
	var err error
	switch resourceKind(arn) {
	case "loadbalancer":
		var v *loadBalancer
		v, err = loadBalancers.Get(c.Tx, sc, arn)
		exists = v != nil
		if err == nil && !exists {
			return errLoadBalancerNotFound()
		}
	case "targetgroup":
		var v *targetGroup
		v, err = targetGroups.Get(c.Tx, sc, arn)
		exists = v != nil
		if err == nil && !exists {
			return errTargetGroupNotFound()
		}
	case "listener":
		var v *listener
		v, err = listeners.Get(c.Tx, sc, arn)
		exists = v != nil
		if err == nil && !exists {
			return errListenerNotFound()
		}
	case "listener-rule":
		var v *rule
		v, err = rules.Get(c.Tx, sc, arn)
		exists = v != nil
		if err == nil && !exists {
			return errRuleNotFound()
		}
	case "truststore":
		var v *trustStore
		v, err = trustStores.Get(c.Tx, sc, arn)
		exists = v != nil
		if err == nil && !exists {
			return errTrustStoreNotFound()
		}
	default:
		return errValidation("'%s' is not a valid resource ARN", arn)
	}
	return err
}

func (h *handlers) addTags(c *api.Context, in *elb.AddTagsInput) (*elb.AddTagsOutput, error) {
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	for _, arn := range in.ResourceArns {
		if err := checkTaggable(c, arn); err != nil {
			return nil, err
		}
		if err := putTags(c.Tx, c.Scope(), arn, in.Tags); err != nil {
			return nil, err
		}
	}
	return &elb.AddTagsOutput{}, nil
}

func (h *handlers) removeTags(c *api.Context, in *elb.RemoveTagsInput) (*elb.RemoveTagsOutput, error) {
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	for _, arn := range in.ResourceArns {
		if err := checkTaggable(c, arn); err != nil {
			return nil, err
		}
		have, err := getTags(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		kept := []types.Tag{}
		for _, t := range have {
			if !drop[aws.ToString(t.Key)] {
				kept = append(kept, t)
			}
		}
		if err := tagSets.Put(c.Tx, c.Scope(), arn, store.Index{}, &kept); err != nil {
			return nil, err
		}
	}
	return &elb.RemoveTagsOutput{}, nil
}

func (h *handlers) describeTags(c *api.Context, in *elb.DescribeTagsInput) (*elb.DescribeTagsOutput, error) {
	out := &elb.DescribeTagsOutput{TagDescriptions: []types.TagDescription{}}
	for _, arn := range in.ResourceArns {
		if err := checkTaggable(c, arn); err != nil {
			return nil, err
		}
		tags, err := getTags(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if tags == nil {
			tags = []types.Tag{}
		}
		out.TagDescriptions = append(out.TagDescriptions, types.TagDescription{ResourceArn: aws.String(arn), Tags: tags})
	}
	return out, nil
}
