package logs

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func streamID(group, stream string) string { return group + ":" + stream }

func errStreamNotFound() error {
	return apierror.New("ResourceNotFoundException", "The specified log stream does not exist.")
}

func getStream(c *api.Context, group, stream string) (*Stream, error) {
	s, err := Streams.Get(c.Tx, c.Scope(), streamID(group, stream))
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errStreamNotFound()
	}
	return s, nil
}

func putStream(c *api.Context, s *Stream) error {
	name := aws.ToString(s.LogStreamName)
	return Streams.Put(c.Tx, c.Scope(), streamID(s.Group, name), store.Index{Parent: s.Group, Name: name}, s)
}

// CreateStream creates a log stream in an existing group (the ECS awslogs driver does this).
func CreateStream(c *api.Context, group, name string) error {
	if _, err := getGroup(c, group); err != nil {
		return err
	}
	if s, err := Streams.Get(c.Tx, c.Scope(), streamID(group, name)); err != nil {
		return err
	} else if s != nil {
		return apierror.New("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	return putStream(c, &Stream{Group: group, LogStream: types.LogStream{
		LogStreamName: aws.String(name), CreationTime: aws.Int64(c.Now().UnixMilli()), StoredBytes: aws.Int64(0),
		Arn: aws.String(groupARN(c, group) + ":log-stream:" + name),
	}})
}

func createLogStream(c *api.Context, in *cwl.CreateLogStreamInput) (*cwl.CreateLogStreamOutput, error) {
	return &cwl.CreateLogStreamOutput{}, CreateStream(c, aws.ToString(in.LogGroupName), aws.ToString(in.LogStreamName))
}

func deleteLogStream(c *api.Context, in *cwl.DeleteLogStreamInput) (*cwl.DeleteLogStreamOutput, error) {
	group, name := aws.ToString(in.LogGroupName), aws.ToString(in.LogStreamName)
	if _, err := getGroup(c, group); err != nil {
		return nil, err
	}
	ok, err := Streams.Delete(c.Tx, c.Scope(), streamID(group, name))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errStreamNotFound()
	}
	return &cwl.DeleteLogStreamOutput{}, deleteEvents(c, group, name)
}

func describeLogStreams(c *api.Context, in *cwl.DescribeLogStreamsInput) (*cwl.DescribeLogStreamsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if _, err := getGroup(c, group); err != nil {
		return nil, err
	}
	byTime := in.OrderBy == types.OrderByLastEventTime
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, apierror.New("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	limit := int(aws.ToInt32(in.Limit))
	if limit == 0 {
		limit = 50
	}
	scope := "logs:DescribeLogStreams:" + group + ":" + string(in.OrderBy)
	items, err := Streams.List(c.Tx, c.Scope(), store.Query{Parent: group, NamePrefix: aws.ToString(in.LogStreamNamePrefix)})
	if err != nil {
		return nil, err
	}
	// Sort keys that are unique and ordered, so that a cursor names a position.
	key := func(s *Stream) string {
		if byTime {
			return padded(aws.ToInt64(s.LastEventTimestamp)) + ":" + aws.ToString(s.LogStreamName)
		}
		return aws.ToString(s.LogStreamName)
	}
	desc := aws.ToBool(in.Descending)
	sort.Slice(items, func(i, j int) bool {
		if desc {
			return key(items[i].Doc) > key(items[j].Doc)
		}
		return key(items[i].Doc) < key(items[j].Doc)
	})
	p := logsPaging(scope, in.NextToken, limit)
	p.Desc = desc
	page, next, err := api.PaginateSorted(items, func(it *store.Item[Stream]) string { return key(it.Doc) }, p, nil)
	if err != nil {
		return nil, err
	}
	out := &cwl.DescribeLogStreamsOutput{LogStreams: []types.LogStream{}, NextToken: next}
	for _, it := range page {
		out.LogStreams = append(out.LogStreams, it.Doc.LogStream)
	}
	return out, nil
}

// padded renders a non-negative number so that strings sort as numbers do.
func padded(n int64) string {
	s := itoa(n)
	return strings.Repeat("0", 20-len(s)) + s
}
