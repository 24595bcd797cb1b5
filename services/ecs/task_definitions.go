package ecs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// MaxRevisionsPerFamily is AWS's quota of revisions in one task definition family.
const MaxRevisionsPerFamily = 1000000

func registerTaskDefinition(c *api.Context, in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, error) {
	out, wire, err := newRevision(c, in)
	protocol.Recycle(wire)
	return out, err
}

// answerRegisterTaskDefinition is the operation's handler: its JSON answer
// is cut from the stored revision's document.
func answerRegisterTaskDefinition(c *api.Context, in *ecs.RegisterTaskDefinitionInput) (*protocol.Encoded, error) {
	out, wire, err := newRevision(c, in)
	if err != nil {
		return nil, err
	}
	return &protocol.Encoded{Output: out, JSON: wire}, nil
}

// newRevision registers the family's next revision and returns the answer,
// with its JSON wire form.
func newRevision(c *api.Context, in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, []byte, error) {
	td := &types.TaskDefinition{
		Family:                        in.Family,
		ContainerDefinitions:          in.ContainerDefinitions,
		Cpu:                           in.Cpu,
		Memory:                        in.Memory,
		EnableFaultInjection:          in.EnableFaultInjection,
		EphemeralStorage:              in.EphemeralStorage,
		ExecutionRoleArn:              in.ExecutionRoleArn,
		TaskRoleArn:                   in.TaskRoleArn,
		InferenceAccelerators:         in.InferenceAccelerators,
		IpcMode:                       in.IpcMode,
		PidMode:                       in.PidMode,
		NetworkMode:                   in.NetworkMode,
		PlacementConstraints:          in.PlacementConstraints,
		ProxyConfiguration:            in.ProxyConfiguration,
		RequiresCompatibilities:       in.RequiresCompatibilities,
		RuntimePlatform:               in.RuntimePlatform,
		TrustedExecutionConfiguration: in.TrustedExecutionConfiguration,
		Volumes:                       in.Volumes,
	}
	if err := PrepareTaskDefinition(td); err != nil {
		return nil, nil, err
	}
	if err := ValidateTags(in.Tags); err != nil {
		return nil, nil, err
	}
	if es := td.EphemeralStorage; es != nil && (es.SizeInGiB < 21 || es.SizeInGiB > 200) {
		return nil, nil, errClient("The ephemeral storage size must be between 21 GiB and 200 GiB.")
	}
	family := aws.ToString(td.Family)
	rev, err := lastRevision(c, family)
	if err != nil {
		return nil, nil, err
	}
	if rev >= MaxRevisionsPerFamily {
		return nil, nil, errClient("Too many revisions for task definition family %s.", family)
	}
	if rev == 0 {
		// A new family: ListTaskDefinitionFamilies lists it from now on.
		if err := ecscore.Families.Put(c.Tx, c.Scope(), family, store.Index{Name: family, Attr: family}, &ecscore.TaskDefinitionFamily{Name: family}); err != nil {
			return nil, nil, err
		}
	}
	td.Revision = int32(rev + 1)
	arn := ecscore.TaskDefinitionARN(c, family, td.Revision)
	td.TaskDefinitionArn = aws.String(arn)
	td.Status = types.TaskDefinitionStatusActive
	td.RegisteredAt = aws.Time(c.Now())
	if c.Caller.Arn != "" {
		td.RegisteredBy = aws.String(c.Caller.Arn)
	}
	// A new revision's ARN is new: it has no tags before these.
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, nil, err
	}
	wire, err := ecscore.PutNewTaskDefinition(c.Tx, c.Scope(), &ecscore.TaskDefinitionRecord{Def: td, Tags: tags})
	if err != nil {
		return nil, nil, err
	}
	if tags == nil {
		tags = []types.Tag{}
	}
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: td, Tags: tags}, wire, nil
}

func describeTaskDefinition(c *api.Context, in *ecs.DescribeTaskDefinitionInput) (*ecs.DescribeTaskDefinitionOutput, error) {
	td, err := ecscore.GetTaskDefinition(c, aws.ToString(in.TaskDefinition))
	if err != nil {
		return nil, err
	}
	out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td}
	if slices.Contains(in.Include, types.TaskDefinitionFieldTags) {
		tags, err := ResourceTags(c, aws.ToString(td.TaskDefinitionArn))
		if err != nil {
			return nil, err
		}
		if tags == nil {
			tags = []types.Tag{}
		}
		out.Tags = tags
	}
	return out, nil
}

// lastRevision is the last revision number a family has handed out, 0 for a
// new family. Revisions are never reused and their rows never removed (a
// deleted revision stays DELETE_IN_PROGRESS), so it is the greatest
// revision held: the last index entry of each status, read in one
// statement, without a record per family to rewrite on every registration.
func lastRevision(c *api.Context, family string) (int, error) {
	prefixes := []string{ecscore.StatusAttrPrefix(types.TaskDefinitionStatusActive, family),
		ecscore.StatusAttrPrefix(types.TaskDefinitionStatusInactive, family),
		ecscore.StatusAttrPrefix(types.TaskDefinitionStatusDeleteInProgress, family)}
	lasts, err := ecscore.TaskDefinitions.LastAttr(c.Tx, c.Scope(), prefixes...)
	if err != nil {
		return 0, err
	}
	last := 0
	for i, key := range lasts {
		if key == "" {
			continue
		}
		rev, err := strconv.Atoi(key[len(prefixes[i]):])
		if err != nil {
			return 0, fmt.Errorf("ecs: task definition key %q: %w", key, err)
		}
		last = max(last, rev)
	}
	return last, nil
}

// parseRevisionRef splits "family:revision" or a task definition ARN.
func parseRevisionRef(ref string) (family string, revision int32, ok bool) {
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		i := strings.Index(ref, ":task-definition/")
		if i < 0 {
			return "", 0, false
		}
		name = ref[i+len(":task-definition/"):]
	}
	family, rev, found := strings.Cut(name, ":")
	n, err := strconv.Atoi(rev)
	if !found || err != nil || n < 1 || family == "" {
		return "", 0, false
	}
	return family, int32(n), true
}

// taskDefinitionWithRevision resolves "family:revision" or an ARN, any status
// but DELETE_IN_PROGRESS; a bare family is refused as ECS does.
func taskDefinitionWithRevision(c *api.Context, ref string) (*ecscore.TaskDefinitionRecord, error) {
	family, rev, ok := parseRevisionRef(ref)
	if !ok {
		_, after, _ := strings.Cut(ref, ":")
		return nil, errInvalidParameter("Invalid revision number. Number: %s", after)
	}
	rec, err := ecscore.TaskDefinitionRecords.Get(c.Tx, c.Scope(), ecscore.TaskDefinitionARN(c, family, rev))
	if err != nil {
		return nil, err
	}
	if rec == nil || rec.Def.Status == types.TaskDefinitionStatusDeleteInProgress {
		return nil, errClient("The specified task definition does not exist.")
	}
	return rec, nil
}

func deregisterTaskDefinition(c *api.Context, in *ecs.DeregisterTaskDefinitionInput) (*ecs.DeregisterTaskDefinitionOutput, error) {
	rec, err := taskDefinitionWithRevision(c, aws.ToString(in.TaskDefinition))
	if err != nil {
		return nil, err
	}
	td := rec.Def
	if td.Status == types.TaskDefinitionStatusActive {
		td.Status = types.TaskDefinitionStatusInactive
		td.DeregisteredAt = aws.Time(c.Now())
		if err := ecscore.PutTaskDefinition(c.Tx, c.Scope(), rec); err != nil {
			return nil, err
		}
	}
	return &ecs.DeregisterTaskDefinitionOutput{TaskDefinition: td}, nil
}

func deleteTaskDefinitions(c *api.Context, in *ecs.DeleteTaskDefinitionsInput) (*ecs.DeleteTaskDefinitionsOutput, error) {
	if len(in.TaskDefinitions) == 0 {
		return nil, errInvalidParameter("taskDefinitions cannot be empty.")
	}
	if len(in.TaskDefinitions) > 10 {
		return nil, errInvalidParameter("taskDefinitions cannot have more than 10 elements.")
	}
	out := &ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: []types.TaskDefinition{}, Failures: []types.Failure{}}
	for _, ref := range in.TaskDefinitions {
		fail := func(reason string) {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(ref), Reason: aws.String(reason)})
		}
		family, rev, ok := parseRevisionRef(ref)
		if !ok {
			fail("The specified task definition identifier is invalid. Specify a valid name or ARN and try again.")
			continue
		}
		rec, err := ecscore.TaskDefinitionRecords.Get(c.Tx, c.Scope(), ecscore.TaskDefinitionARN(c, family, rev))
		if err != nil {
			return nil, err
		}
		if rec == nil || rec.Def.Status == types.TaskDefinitionStatusDeleteInProgress {
			fail("TASK_DEFINITION_NOT_FOUND")
			continue
		}
		td := rec.Def
		if td.Status == types.TaskDefinitionStatusActive {
			fail("The specified task definition is still in ACTIVE status. Please deregister the target and try again.")
			continue
		}
		td.Status = types.TaskDefinitionStatusDeleteInProgress
		td.DeleteRequestedAt = aws.Time(c.Now())
		if err := ecscore.PutTaskDefinition(c.Tx, c.Scope(), rec); err != nil {
			return nil, err
		}
		out.TaskDefinitions = append(out.TaskDefinitions, *td)
	}
	return out, nil
}

func listTaskDefinitions(c *api.Context, in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = types.TaskDefinitionStatusActive
	}
	desc := in.Sort == types.SortOrderDesc
	scope := "ecs:ListTaskDefinitions:" + aws.ToString(in.FamilyPrefix) + ":" + string(status) + ":" + string(in.Sort)
	// One page reads only itself: the store lists in (family, revision)
	// order from the token's position, however many revisions are held.
	after, err := api.DecodeCursor(scope, aws.ToString(in.NextToken))
	if err != nil {
		return nil, errBadNextToken()
	}
	// familyPrefix is "the full family name" here (the API reference's
	// ListTaskDefinitions), unlike ListTaskDefinitionFamilies' true prefix: the
	// family is matched whole, up to the separator of its order key.
	// The status is the start of every key of the listing (TaskDefinitionKey).
	prefix := ecscore.StatusAttrPrefix(status, aws.ToString(in.FamilyPrefix))
	if after != "" {
		after = ecscore.StatusAttrPrefix(status, "") + after
	}
	items, err := ecscore.TaskDefinitions.List(c.Tx, c.Scope(), store.Query{AttrPrefix: prefix,
		ByAttr: true, AttrAfter: after, Desc: desc, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	var next *string
	if len(items) > size {
		items = items[:size]
		last := items[size-1].Doc
		next = aws.String(api.EncodeCursor(scope, ecscore.TaskDefinitionOrder(aws.ToString(last.Family), last.Revision)))
	}
	page := make([]*types.TaskDefinition, len(items))
	for i := range items {
		page[i] = items[i].Doc
	}
	out := &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{}, NextToken: next}
	for _, td := range page {
		out.TaskDefinitionArns = append(out.TaskDefinitionArns, aws.ToString(td.TaskDefinitionArn))
	}
	return out, nil
}

func listTaskDefinitionFamilies(c *api.Context, in *ecs.ListTaskDefinitionFamiliesInput) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	size, err := pageSize(in.MaxResults, 100, 100)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = types.TaskDefinitionFamilyStatusActive
	}
	scope := "ecs:ListTaskDefinitionFamilies:" + aws.ToString(in.FamilyPrefix) + ":" + string(status)
	after, err := api.DecodeCursor(scope, aws.ToString(in.NextToken))
	if err != nil {
		return nil, errBadNextToken()
	}
	// Families are read in name order from the token's position (their attr
	// is the name), a chunk at a time, until a page of them has the status.
	out := &ecs.ListTaskDefinitionFamiliesOutput{Families: []string{}}
	for {
		chunk, err := ecscore.Families.List(c.Tx, c.Scope(), store.Query{ByAttr: true, AttrPrefix: aws.ToString(in.FamilyPrefix), AttrAfter: after, Limit: size + 1})
		if err != nil {
			return nil, err
		}
		for _, it := range chunk {
			after = it.Doc.Name
			if ok, err := familyHasStatus(c, it.Doc.Name, status); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			if len(out.Families) == size {
				out.NextToken = aws.String(api.EncodeCursor(scope, out.Families[size-1]))
				return out, nil
			}
			out.Families = append(out.Families, it.Doc.Name)
		}
		if len(chunk) <= size {
			return out, nil
		}
	}
}

// familyHasStatus tells whether a family is listed under status: ACTIVE
// with an active revision, INACTIVE with inactive ones only, ALL with any
// revision not being deleted. Each status's revisions of the family are an
// Attr range of their own: one index entry answers, however many revisions
// of other statuses the family holds.
func familyHasStatus(c *api.Context, family string, status types.TaskDefinitionFamilyStatus) (bool, error) {
	has := func(s types.TaskDefinitionStatus) (bool, error) {
		return ecscore.TaskDefinitions.Exists(c.Tx, c.Scope(), store.Query{AttrPrefix: ecscore.StatusAttrPrefix(s, family)})
	}
	active, err := has(types.TaskDefinitionStatusActive)
	if err != nil || status == types.TaskDefinitionFamilyStatusActive || (active && status == types.TaskDefinitionFamilyStatusAll) {
		return active, err
	}
	if active {
		return false, nil
	}
	return has(types.TaskDefinitionStatusInactive)
}
