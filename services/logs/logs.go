// Package logs implements the part of CloudWatch Logs that container
// workloads use: log groups, log streams and their events.
package logs

import (
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Group is a stored log group with its tags.
type Group struct {
	types.LogGroup
	Tags map[string]string `json:",omitempty"`
}

// Stream is a stored log stream.
type Stream struct {
	types.LogStream
	Group string
}

var (
	// Groups: id = log group name.
	Groups = store.Collection[Group]{Kind: "logs/group"}
	// Streams: id = group + ":" + stream, Parent = group, Name = stream.
	Streams = store.Collection[Stream]{Kind: "logs/stream"}
)

// New builds the CloudWatch Logs service.
func New() *api.Service {
	s := api.NewService("logs")
	s.ValidationError = func(vs []protocol.Violation) *apierror.Error {
		return apierror.New("InvalidParameterException", "%s", protocol.ValidationMessage(vs))
	}
	api.Handle(s, "CreateLogGroup", createLogGroup)
	api.Handle(s, "DeleteLogGroup", deleteLogGroup)
	api.Handle(s, "DescribeLogGroups", describeLogGroups)
	api.Handle(s, "PutRetentionPolicy", putRetentionPolicy)
	api.Handle(s, "DeleteRetentionPolicy", deleteRetentionPolicy)
	api.Handle(s, "PutLogGroupDeletionProtection", putDeletionProtection)
	api.Handle(s, "AssociateKmsKey", associateKmsKey)
	api.Handle(s, "DisassociateKmsKey", disassociateKmsKey)
	api.Handle(s, "TagLogGroup", tagLogGroup)
	api.Handle(s, "UntagLogGroup", untagLogGroup)
	api.Handle(s, "ListTagsLogGroup", listTagsLogGroup)
	api.Handle(s, "TagResource", tagResource)
	api.Handle(s, "UntagResource", untagResource)
	api.Handle(s, "ListTagsForResource", listTagsForResource)
	api.Handle(s, "CreateLogStream", createLogStream)
	api.Handle(s, "DeleteLogStream", deleteLogStream)
	api.Handle(s, "DescribeLogStreams", describeLogStreams)
	api.Handle(s, "PutLogEvents", putLogEvents)
	api.Handle(s, "GetLogEvents", getLogEvents)
	api.Handle(s, "FilterLogEvents", filterLogEvents)
	return s
}

func groupARN(c *api.Context, name string) string {
	return c.ARNPrefix() + "logs:" + c.Region + ":" + c.Account() + ":log-group:" + name
}

func errGroupNotFound() error {
	return apierror.New("ResourceNotFoundException", "The specified log group does not exist.")
}

// groupName resolves a logGroupName or logGroupIdentifier (a name or an ARN).
func groupName(name, identifier *string) (string, error) {
	if name != nil && identifier != nil {
		return "", apierror.New("InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	}
	if name != nil {
		return *name, nil
	}
	id := aws.ToString(identifier)
	if strings.HasPrefix(id, "arn:") {
		if i := strings.Index(id, ":log-group:"); i >= 0 {
			id = strings.TrimSuffix(id[i+len(":log-group:"):], ":*")
		}
	}
	if id == "" {
		return "", apierror.New("InvalidParameterException", "Either LogGroup name or LogGroup ARN must be specified.")
	}
	return id, nil
}

// getGroup loads a log group or answers ResourceNotFoundException.
func getGroup(c *api.Context, name string) (*Group, error) {
	g, err := Groups.Get(c.Tx, c.Scope(), name)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, errGroupNotFound()
	}
	return g, nil
}

func putGroup(c *api.Context, g *Group) error {
	return Groups.Put(c.Tx, c.Scope(), aws.ToString(g.LogGroupName), store.Index{Name: aws.ToString(g.LogGroupName)}, g)
}

// maxTags is CloudWatch Logs' limit of tags per log group.
const maxTags = 50

func checkTags(tags map[string]string) error {
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return apierror.New("InvalidParameterException", "Tag keys prefixed with 'aws:' are reserved for AWS use.")
		}
	}
	if len(tags) > maxTags {
		return apierror.New("InvalidParameterException", "A log group can have at most %d tags.", maxTags)
	}
	return nil
}

func createLogGroup(c *api.Context, in *cwl.CreateLogGroupInput) (*cwl.CreateLogGroupOutput, error) {
	name := aws.ToString(in.LogGroupName)
	if g, err := Groups.Get(c.Tx, c.Scope(), name); err != nil {
		return nil, err
	} else if g != nil {
		return nil, apierror.New("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	class := in.LogGroupClass
	if class == "" {
		class = types.LogGroupClassStandard
	}
	arn := groupARN(c, name)
	g := &Group{LogGroup: types.LogGroup{
		LogGroupName: aws.String(name), Arn: aws.String(arn + ":*"), LogGroupArn: aws.String(arn),
		CreationTime: aws.Int64(c.Now().UnixMilli()), MetricFilterCount: aws.Int32(0), StoredBytes: aws.Int64(0),
		KmsKeyId: in.KmsKeyId, LogGroupClass: class, DeletionProtectionEnabled: aws.Bool(aws.ToBool(in.DeletionProtectionEnabled)),
	}, Tags: in.Tags}
	return &cwl.CreateLogGroupOutput{}, putGroup(c, g)
}

func deleteLogGroup(c *api.Context, in *cwl.DeleteLogGroupInput) (*cwl.DeleteLogGroupOutput, error) {
	name := aws.ToString(in.LogGroupName)
	g, err := getGroup(c, name)
	if err != nil {
		return nil, err
	}
	if aws.ToBool(g.DeletionProtectionEnabled) {
		return nil, apierror.New("InvalidOperationException", "Log group %s has deletion protection enabled. Disable deletion protection before deleting the log group.", name)
	}
	streams, err := Streams.List(c.Tx, c.Scope(), store.Query{Parent: name})
	if err != nil {
		return nil, err
	}
	for _, s := range streams {
		if _, err := Streams.Delete(c.Tx, c.Scope(), s.ID); err != nil {
			return nil, err
		}
	}
	if err := deleteEvents(c, name, ""); err != nil {
		return nil, err
	}
	_, err = Groups.Delete(c.Tx, c.Scope(), name)
	return &cwl.DeleteLogGroupOutput{}, err
}

func describeLogGroups(c *api.Context, in *cwl.DescribeLogGroupsInput) (*cwl.DescribeLogGroupsOutput, error) {
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, apierror.New("InvalidParameterException", "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	limit := int(aws.ToInt32(in.Limit))
	if limit == 0 {
		limit = 50
	}
	prefix := aws.ToString(in.LogGroupNamePrefix)
	// Log groups are listed in name order, as AWS lists them: id order.
	read := func(after string, n int) ([]*Group, error) {
		items, err := Groups.IDPage(c.Tx, c.Scope(), prefix, after, false, n)
		return groupDocs(items), err
	}
	if len(in.LogGroupIdentifiers) > 0 {
		// Named groups (at most 50) are read one by one, not by listing all.
		named, err := namedGroups(c, in.LogGroupIdentifiers, prefix)
		if err != nil {
			return nil, err
		}
		read = func(after string, n int) ([]*Group, error) {
			i := sort.Search(len(named), func(i int) bool { return aws.ToString(named[i].LogGroupName) > after })
			return named[i:min(i+n, len(named))], nil
		}
	}
	pattern := strings.ToLower(aws.ToString(in.LogGroupNamePattern))
	page, next, err := api.PaginateKeyed(logsPaging("logs:DescribeLogGroups", in.NextToken, limit), read,
		func(g *Group) string { return aws.ToString(g.LogGroupName) }, func(g *Group) bool {
			if pattern != "" && !strings.Contains(strings.ToLower(aws.ToString(g.LogGroupName)), pattern) {
				return false
			}
			return in.LogGroupClass == "" || g.LogGroupClass == in.LogGroupClass
		})
	if err != nil {
		return nil, err
	}
	out := &cwl.DescribeLogGroupsOutput{LogGroups: []types.LogGroup{}, NextToken: next}
	for _, g := range page {
		out.LogGroups = append(out.LogGroups, g.LogGroup)
	}
	return out, nil
}

// namedGroups are the groups that identifiers (names or ARNs) name and that
// start with prefix, in name order.
func namedGroups(c *api.Context, identifiers []string, prefix string) ([]*Group, error) {
	var names []string
	for _, id := range identifiers {
		if n, _ := groupName(nil, aws.String(id)); strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []*Group
	for _, n := range slices.Compact(names) {
		g, err := Groups.Get(c.Tx, c.Scope(), n)
		if err != nil {
			return nil, err
		}
		if g != nil {
			out = append(out, g)
		}
	}
	return out, nil
}

func groupDocs(items []store.Item[Group]) []*Group {
	out := make([]*Group, len(items))
	for i := range items {
		out[i] = items[i].Doc
	}
	return out
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func putRetentionPolicy(c *api.Context, in *cwl.PutRetentionPolicyInput) (*cwl.PutRetentionPolicyOutput, error) {
	days := aws.ToInt32(in.RetentionInDays)
	valid := false
	var list []string
	for _, d := range retentionDays {
		valid = valid || d == days
		list = append(list, itoa(int64(d)))
	}
	if !valid {
		return nil, apierror.New("InvalidParameterException", "1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", days, strings.Join(list, ", "))
	}
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	g.RetentionInDays = aws.Int32(days)
	return &cwl.PutRetentionPolicyOutput{}, putGroup(c, g)
}

func deleteRetentionPolicy(c *api.Context, in *cwl.DeleteRetentionPolicyInput) (*cwl.DeleteRetentionPolicyOutput, error) {
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	g.RetentionInDays = nil
	return &cwl.DeleteRetentionPolicyOutput{}, putGroup(c, g)
}

func putDeletionProtection(c *api.Context, in *cwl.PutLogGroupDeletionProtectionInput) (*cwl.PutLogGroupDeletionProtectionOutput, error) {
	name, err := groupName(nil, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	g, err := getGroup(c, name)
	if err != nil {
		return nil, err
	}
	g.DeletionProtectionEnabled = aws.Bool(aws.ToBool(in.DeletionProtectionEnabled))
	return &cwl.PutLogGroupDeletionProtectionOutput{}, putGroup(c, g)
}

func associateKmsKey(c *api.Context, in *cwl.AssociateKmsKeyInput) (*cwl.AssociateKmsKeyOutput, error) {
	if in.LogGroupName == nil {
		return nil, apierror.New("InvalidParameterException", "Either logGroupName or resourceIdentifier must be specified.")
	}
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	g.KmsKeyId = in.KmsKeyId
	return &cwl.AssociateKmsKeyOutput{}, putGroup(c, g)
}

func disassociateKmsKey(c *api.Context, in *cwl.DisassociateKmsKeyInput) (*cwl.DisassociateKmsKeyOutput, error) {
	if in.LogGroupName == nil {
		return nil, apierror.New("InvalidParameterException", "Either logGroupName or resourceIdentifier must be specified.")
	}
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	g.KmsKeyId = nil
	return &cwl.DisassociateKmsKeyOutput{}, putGroup(c, g)
}

// groupFromARN finds the log group a resource ARN names.
func groupFromARN(c *api.Context, arn string) (*Group, error) {
	i := strings.Index(arn, ":log-group:")
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return nil, apierror.New("InvalidParameterException", "Invalid resourceArn: %s", arn)
	}
	g, err := Groups.Get(c.Tx, c.Scope(), strings.TrimSuffix(arn[i+len(":log-group:"):], ":*"))
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, apierror.New("ResourceNotFoundException", "The specified resource does not exist.")
	}
	return g, nil
}

func addTags(c *api.Context, g *Group, tags map[string]string) error {
	merged := map[string]string{}
	for k, v := range g.Tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	if err := checkTags(merged); err != nil {
		return err
	}
	g.Tags = merged
	return putGroup(c, g)
}

func removeTags(c *api.Context, g *Group, keys []string) error {
	for _, k := range keys {
		delete(g.Tags, k)
	}
	return putGroup(c, g)
}

func tagLogGroup(c *api.Context, in *cwl.TagLogGroupInput) (*cwl.TagLogGroupOutput, error) {
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	return &cwl.TagLogGroupOutput{}, addTags(c, g, in.Tags)
}

func untagLogGroup(c *api.Context, in *cwl.UntagLogGroupInput) (*cwl.UntagLogGroupOutput, error) {
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	return &cwl.UntagLogGroupOutput{}, removeTags(c, g, in.Tags)
}

func listTagsLogGroup(c *api.Context, in *cwl.ListTagsLogGroupInput) (*cwl.ListTagsLogGroupOutput, error) {
	g, err := getGroup(c, aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	return &cwl.ListTagsLogGroupOutput{Tags: nonNil(g.Tags)}, nil
}

func tagResource(c *api.Context, in *cwl.TagResourceInput) (*cwl.TagResourceOutput, error) {
	g, err := groupFromARN(c, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	return &cwl.TagResourceOutput{}, addTags(c, g, in.Tags)
}

func untagResource(c *api.Context, in *cwl.UntagResourceInput) (*cwl.UntagResourceOutput, error) {
	g, err := groupFromARN(c, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	return &cwl.UntagResourceOutput{}, removeTags(c, g, in.TagKeys)
}

func listTagsForResource(c *api.Context, in *cwl.ListTagsForResourceInput) (*cwl.ListTagsForResourceOutput, error) {
	g, err := groupFromARN(c, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	return &cwl.ListTagsForResourceOutput{Tags: nonNil(g.Tags)}, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
