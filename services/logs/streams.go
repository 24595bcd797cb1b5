package logs

import (
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
	return Streams.Put(c.Tx, c.Scope(), streamID(s.Group, name), store.Index{Parent: s.Group, Name: name, Attr: s.Group + " " + timeKey(s)}, s)
}

// timeKey orders a group's streams by last event time, then name (unique).
// Attr holds it after the group and a space, which no group name has, so
// that a page in time order reads only itself (migration 0014 fills it in
// for streams stored before).
func timeKey(s *Stream) string {
	return padded(aws.ToInt64(s.LastEventTimestamp)) + ":" + aws.ToString(s.LogStreamName)
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
	p := logsPaging("logs:DescribeLogStreams:"+group+":"+string(in.OrderBy), in.NextToken, limit)
	desc := aws.ToBool(in.Descending)
	// A page reads only itself from the token's key: name order is id order
	// (group:name), time order is Attr order (group, then timeKey).
	read := func(after string, n int) ([]*Stream, error) {
		var items []store.Item[Stream]
		var err error
		if byTime {
			if after != "" {
				after = group + " " + after
			}
			items, err = Streams.List(c.Tx, c.Scope(), store.Query{ByAttr: true, AttrPrefix: group + " ", AttrAfter: after, Desc: desc, Limit: n})
		} else {
			if after != "" {
				after = streamID(group, after)
			}
			items, err = Streams.IDPage(c.Tx, c.Scope(), streamID(group, aws.ToString(in.LogStreamNamePrefix)), after, desc, n)
		}
		docs := make([]*Stream, len(items))
		for i := range items {
			docs[i] = items[i].Doc
		}
		return docs, err
	}
	key := func(s *Stream) string {
		if byTime {
			return timeKey(s)
		}
		return aws.ToString(s.LogStreamName)
	}
	page, next, err := api.PaginateKeyed(p, read, key, nil)
	if err != nil {
		return nil, err
	}
	out := &cwl.DescribeLogStreamsOutput{LogStreams: []types.LogStream{}, NextToken: next}
	for _, s := range page {
		out.LogStreams = append(out.LogStreams, s.LogStream)
	}
	return out, nil
}

// padded renders a non-negative number so that strings sort as numbers do.
func padded(n int64) string {
	s := itoa(n)
	return strings.Repeat("0", 20-len(s)) + s
}
