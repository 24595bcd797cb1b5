package ecs

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// MaxTags is ECS's limit of tags per resource.
const MaxTags = 50

// ValidateTags checks tags given on create or TagResource: at most 50, and
// no key or value in the aws: namespace, which AWS reserves for itself.
func ValidateTags(tags []types.Tag) error {
	if len(tags) > MaxTags {
		return errInvalidParameter("The number of tags exceeds the limit of %d tags per resource.", MaxTags)
	}
	for _, t := range tags {
		if t.Key == nil || *t.Key == "" {
			return errInvalidParameter("Tag keys must be non-empty.")
		}
		if reservedTagKey(*t.Key) || reservedTagKey(aws.ToString(t.Value)) {
			return errInvalidParameter("Tag keys and values cannot start with the reserved prefix 'aws:'.")
		}
	}
	return nil
}

func reservedTagKey(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }

// ResourceTags returns the tags of a resource ARN, an empty list when it has
// none: wherever ECS returns a resource's tags it answers "tags": [] for an
// untagged one (the AWS CLI's awscli/examples/ecs describe-clusters.rst,
// describe-task-definition.rst, describe-capacity-providers.rst).
func ResourceTags(c *api.Context, arn string) ([]types.Tag, error) {
	tags, _, err := storedTags(c, arn)
	if tags == nil && err == nil {
		tags = []types.Tag{}
	}
	return tags, err
}

// isTaskDefinitionARN tells an ARN whose tags its task definition's row keeps
// (ecscore.TaskDefinitionRecords).
func isTaskDefinitionARN(arn string) bool { return strings.Contains(arn, ":task-definition/") }

// storedTags reads a resource's tags and, for a task definition, the record
// that holds them (nil when there is none).
func storedTags(c *api.Context, arn string) ([]types.Tag, *ecscore.TaskDefinitionRecord, error) {
	if isTaskDefinitionARN(arn) {
		rec, err := ecscore.TaskDefinitionRecords.Get(c.Tx, c.Scope(), arn)
		if err != nil || rec == nil {
			return nil, nil, err
		}
		return rec.Tags, rec, nil
	}
	stored, err := ecscore.Tags.Get(c.Tx, c.Scope(), arn)
	if err != nil || stored == nil {
		return nil, nil, err
	}
	return *stored, nil, nil
}

// updateTags replaces a resource's tags with what change makes of them
// (none forgets them), reading and writing them once.
func updateTags(c *api.Context, arn string, change func(cur []types.Tag) ([]types.Tag, error)) error {
	cur, rec, err := storedTags(c, arn)
	if err != nil || (rec == nil && isTaskDefinitionARN(arn)) {
		return err // TagResource and UntagResource found a task definition first
	}
	tags, err := change(cur)
	switch {
	case err != nil:
		return err
	case rec != nil:
		rec.Tags = tags
		return ecscore.PutTaskDefinition(c.Tx, c.Scope(), rec)
	case len(tags) == 0:
		_, err := ecscore.Tags.Delete(c.Tx, c.Scope(), arn)
		return err
	}
	return ecscore.Tags.Put(c.Tx, c.Scope(), arn, store.Index{}, &tags)
}

// MergeResourceTags adds tags to a resource, replacing values of existing keys.
func MergeResourceTags(c *api.Context, arn string, add []types.Tag) error {
	if len(add) == 0 {
		return nil
	}
	if err := ValidateTags(add); err != nil {
		return err
	}
	return updateTags(c, arn, func(cur []types.Tag) ([]types.Tag, error) { return mergeTags(cur, add) })
}

// mergeTags returns cur with add merged in (add's values replace those of
// keys cur has), refusing more user tags than a resource may have.
func mergeTags(cur, add []types.Tag) ([]types.Tag, error) {
	for _, t := range add {
		replaced := false
		for i := range cur {
			if aws.ToString(cur[i].Key) == aws.ToString(t.Key) {
				cur[i].Value = t.Value
				replaced = true
			}
		}
		if !replaced {
			cur = append(cur, types.Tag{Key: t.Key, Value: t.Value})
		}
	}
	user := 0
	for _, t := range cur {
		// Tags in the aws: namespace (ECS's managed tags) do not count.
		if !reservedTagKey(aws.ToString(t.Key)) {
			user++
		}
	}
	if user > MaxTags {
		return nil, errInvalidParameter("The number of tags exceeds the limit of %d tags per resource.", MaxTags)
	}
	return cur, nil
}

// DeleteResourceTags forgets every tag of a resource.
func DeleteResourceTags(c *api.Context, arn string) error {
	return updateTags(c, arn, func([]types.Tag) ([]types.Tag, error) { return nil, nil })
}

func tagResource(c *api.Context, in *ecs.TagResourceInput) (*ecs.TagResourceOutput, error) {
	arn := aws.ToString(in.ResourceArn)
	// A deleted cluster, still listed, is refused in ECS's words: "The
	// specified cluster is inactive. Specify an active cluster and try again."
	// (gruntwork-io/cloud-nuke#145, tagging the clusters ListClusters returned).
	inactive := func() error {
		return errInvalidParameter("The specified cluster is inactive. Specify an active cluster and try again.")
	}
	if err := requireTaggable(c, arn, inactive); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errInvalidParameter("Tags cannot be empty.")
	}
	if err := MergeResourceTags(c, arn, in.Tags); err != nil {
		return nil, err
	}
	return &ecs.TagResourceOutput{}, nil
}

func untagResource(c *api.Context, in *ecs.UntagResourceInput) (*ecs.UntagResourceOutput, error) {
	arn := aws.ToString(in.ResourceArn)
	if err := requireTaggable(c, arn, ecscore.ErrClusterNotFound); err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		if reservedTagKey(k) {
			return nil, errInvalidParameter("Tag keys cannot start with the reserved prefix 'aws:'.")
		}
		drop[k] = true
	}
	return &ecs.UntagResourceOutput{}, updateTags(c, arn, func(cur []types.Tag) ([]types.Tag, error) {
		kept := []types.Tag{}
		for _, t := range cur {
			if !drop[aws.ToString(t.Key)] {
				kept = append(kept, t)
			}
		}
		return kept, nil
	})
}

func listTagsForResource(c *api.Context, in *ecs.ListTagsForResourceInput) (*ecs.ListTagsForResourceOutput, error) {
	arn := aws.ToString(in.ResourceArn)
	// A deleted cluster's tags are still read (cloud-nuke#146: listing the
	// tags of an INACTIVE cluster succeeded, tagging it did not).
	if err := requireTaggable(c, arn, func() error { return nil }); err != nil {
		return nil, err
	}
	tags, err := ResourceTags(c, arn)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []types.Tag{}
	}
	return &ecs.ListTagsForResourceOutput{Tags: tags}, nil
}

// resourceType returns the resource type of an ECS ARN of the caller's
// account and region ("cluster", "task-definition" …), or "" when it is not one.
func resourceType(c *api.Context, arn string) string {
	prefix := c.ARNPrefix() + "ecs:" + c.Region + ":" + c.Account() + ":"
	if !strings.HasPrefix(arn, prefix) {
		return ""
	}
	rest := arn[len(prefix):]
	typ, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return typ
}

// requireTaggable checks that arn names an existing taggable ECS resource;
// inactive answers for a deleted (INACTIVE) cluster.
func requireTaggable(c *api.Context, arn string, inactive func() error) error {
	notFound := apierror.New("ResourceNotFoundException", "The specified resource could not be found.")
	var found bool
	var err error
	switch resourceType(c, arn) {
	case "cluster":
		cl, e := ecscore.Clusters.Get(c.Tx, c.Scope(), arn)
		if e != nil {
			return e
		}
		if cl == nil {
			return ecscore.ErrClusterNotFound()
		}
		if aws.ToString(cl.Status) == "INACTIVE" {
			return inactive()
		}
		return nil
	case "service":
		svc, e := ecscore.Services.Get(c.Tx, c.Scope(), arn)
		found, err = svc != nil, e
	case "task":
		t, e := ecscore.Tasks.Get(c.Tx, c.Scope(), arn)
		found, err = t != nil, e
	case "task-definition":
		td, e := ecscore.TaskDefinitions.Get(c.Tx, c.Scope(), arn)
		found, err = td != nil && td.Status != types.TaskDefinitionStatusDeleteInProgress, e
	case "container-instance":
		ci, e := ecscore.ContainerInstances.Get(c.Tx, c.Scope(), arn)
		found, err = ci != nil, e
	case "capacity-provider":
		cp, e := ecscore.CapacityProviders.Get(c.Tx, c.Scope(), ecscore.NameFromARN(arn))
		found, err = cp != nil && aws.ToString(cp.CapacityProviderArn) == arn && cp.Status != types.CapacityProviderStatusInactive, e
	case "task-set":
		found, err = taskSetExists(c, arn)
	case "daemon":
		d, e := Daemons.Get(c.Tx, c.Scope(), arn)
		found, err = d != nil, e
	case "daemon-task-definition":
		d, e := DaemonTaskDefinitions.Get(c.Tx, c.Scope(), arn)
		found, err = d != nil && d.Status == types.DaemonTaskDefinitionStatusActive, e
	default:
		return errInvalidParameter("The ARN provided is invalid.")
	}
	if err != nil {
		return err
	}
	if !found {
		return notFound
	}
	return nil
}

// taskSetExists looks a task set ARN (task-set/CLUSTER/SERVICE/ID, the ID
// itself "ecs-svc/NUMBER") up in its service.
func taskSetExists(c *api.Context, arn string) (bool, error) {
	parts := strings.Split(arn[strings.Index(arn, ":task-set/")+len(":task-set/"):], "/")
	if len(parts) < 3 {
		return false, nil
	}
	svc, err := ecscore.Services.Get(c.Tx, c.Scope(), ecscore.ARN(c, "service", parts[0], parts[1]))
	if err != nil || svc == nil {
		return false, err
	}
	for _, ts := range svc.TaskSets {
		if aws.ToString(ts.TaskSetArn) == arn {
			return true, nil
		}
	}
	return false, nil
}
