package ecs

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// MaxCustomAttributes is how many custom attributes ECS allows on one resource.
const MaxCustomAttributes = 10

var (
	attributeNameRE  = regexp.MustCompile(`^[a-zA-Z0-9_./\\-]{1,128}$`)
	attributeValueRE = regexp.MustCompile(`^[a-zA-Z0-9_.@:/\\ -]{1,128}$`)
)

func errTargetNotFound() error {
	return apierror.New("TargetNotFoundException", "The specified target wasn't found. You can view your available container instances with ListContainerInstances. Amazon ECS container instances are cluster-specific and Region-specific.")
}

// attributeTargets groups attributes by the container instance they are for.
func attributeTargets(c *api.Context, clusterArn string, attrs []types.Attribute, checkValues bool) (map[string]*types.ContainerInstance, []string, error) {
	targets := map[string]*types.ContainerInstance{}
	var order []string
	for _, a := range attrs {
		name := aws.ToString(a.Name)
		if !attributeNameRE.MatchString(name) {
			return nil, nil, errInvalidParameter("Attribute name %q is invalid. Up to 128 letters (uppercase and lowercase), numbers, hyphens, underscores, periods, forward slashes and back slashes are allowed.", name)
		}
		if checkValues && a.Value != nil && !attributeValueRE.MatchString(*a.Value) {
			return nil, nil, errInvalidParameter("Attribute value %q is invalid.", *a.Value)
		}
		if a.TargetType != "" && a.TargetType != types.TargetTypeContainerInstance {
			return nil, nil, errInvalidParameter("Attribute target type must be container-instance.")
		}
		ref := aws.ToString(a.TargetId)
		if ref == "" {
			return nil, nil, errInvalidParameter("Attribute targetId cannot be empty.")
		}
		ci, arn, err := lookupContainerInstance(c, clusterArn, ref)
		if err != nil {
			return nil, nil, err
		}
		if ci == nil || aws.ToString(ci.Status) == "INACTIVE" {
			return nil, nil, errTargetNotFound()
		}
		if targets[arn] == nil {
			targets[arn] = ci
			order = append(order, arn)
		}
	}
	return targets, order, nil
}

func putAttributes(c *api.Context, in *ecs.PutAttributesInput) (*ecs.PutAttributesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	targets, order, err := attributeTargets(c, clusterArn, in.Attributes, true)
	if err != nil {
		return nil, err
	}
	for _, a := range in.Attributes {
		arn := targetArn(c, clusterArn, aws.ToString(a.TargetId))
		ci := targets[arn]
		name := aws.ToString(a.Name)
		replaced := false
		for i := range ci.Attributes {
			if aws.ToString(ci.Attributes[i].Name) == name {
				ci.Attributes[i].Value = a.Value
				replaced = true
			}
		}
		if !replaced {
			ci.Attributes = append(ci.Attributes, types.Attribute{Name: a.Name, Value: a.Value})
		}
	}
	for _, arn := range order {
		ci := targets[arn]
		custom := 0
		for _, a := range ci.Attributes {
			if !isBuiltinAttribute(aws.ToString(a.Name)) {
				custom++
			}
		}
		if custom > MaxCustomAttributes {
			return nil, apierror.New("AttributeLimitExceededException", "You can apply up to 10 custom attributes for each resource. You can view the attributes of a resource with ListAttributes. You can remove existing attributes on a resource with DeleteAttributes.")
		}
		ci.Version++
		if err := putContainerInstance(c, clusterArn, ci); err != nil {
			return nil, err
		}
	}
	return &ecs.PutAttributesOutput{Attributes: in.Attributes}, nil
}

// targetArn resolves an attribute target id to a container instance ARN.
func targetArn(c *api.Context, clusterArn, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return ecscore.ContainerInstanceARN(c, clusterArn, ref)
}

func deleteAttributes(c *api.Context, in *ecs.DeleteAttributesInput) (*ecs.DeleteAttributesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	targets, order, err := attributeTargets(c, clusterArn, in.Attributes, false)
	if err != nil {
		return nil, err
	}
	for _, a := range in.Attributes {
		arn := targetArn(c, clusterArn, aws.ToString(a.TargetId))
		ci := targets[arn]
		kept := ci.Attributes[:0]
		for _, x := range ci.Attributes {
			if aws.ToString(x.Name) != aws.ToString(a.Name) {
				kept = append(kept, x)
			}
		}
		ci.Attributes = kept
	}
	for _, arn := range order {
		ci := targets[arn]
		ci.Version++
		if err := putContainerInstance(c, clusterArn, ci); err != nil {
			return nil, err
		}
	}
	return &ecs.DeleteAttributesOutput{Attributes: in.Attributes}, nil
}

func listAttributes(c *api.Context, in *ecs.ListAttributesInput) (*ecs.ListAttributesOutput, error) {
	cl, err := ecscore.GetCluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.TargetType != types.TargetTypeContainerInstance {
		return nil, errInvalidParameter("targetType must be container-instance.")
	}
	if in.AttributeValue != nil && in.AttributeName == nil {
		return nil, errInvalidParameter("attributeValue can only be specified together with attributeName.")
	}
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	clusterArn := aws.ToString(cl.ClusterArn)
	scope := "ecs:ListAttributes:" + clusterArn + ":" + aws.ToString(in.AttributeName) + ":" + aws.ToString(in.AttributeValue)
	// A position is the instance's row and the attribute's index in it, so a
	// page reads the cluster's instances from the token's instance on.
	read := func(after int64, n int) ([]store.Item[types.Attribute], error) {
		var attrs []store.Item[types.Attribute]
		from := after >> 16
		if after > 0 {
			from-- // the token's instance may hold more after its attribute
		}
		for len(attrs) < n {
			items, err := ecscore.ContainerInstances.List(c.Tx, c.Scope(), store.Query{Parent: clusterArn, AfterSeq: from, Limit: n})
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				from = it.Seq
				if aws.ToString(it.Doc.Status) == "INACTIVE" {
					continue
				}
				for i, a := range it.Doc.Attributes {
					pos := it.Seq<<16 | int64(i)
					if pos <= after {
						continue
					}
					if in.AttributeName != nil && aws.ToString(a.Name) != *in.AttributeName {
						continue
					}
					if in.AttributeValue != nil && aws.ToString(a.Value) != *in.AttributeValue {
						continue
					}
					attrs = append(attrs, store.Item[types.Attribute]{Seq: pos, Doc: &types.Attribute{Name: a.Name, Value: a.Value,
						TargetId: it.Doc.ContainerInstanceArn, TargetType: types.TargetTypeContainerInstance}})
				}
			}
			if len(items) < n {
				break
			}
		}
		return attrs, nil
	}
	page, next, err := api.PaginateFunc(ecsPaging(scope, in.NextToken, size), read, nil)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListAttributesOutput{Attributes: []types.Attribute{}, NextToken: next}
	for _, a := range page {
		out.Attributes = append(out.Attributes, *a)
	}
	return out, nil
}
