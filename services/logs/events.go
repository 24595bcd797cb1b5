package logs

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// AWS's limits on one PutLogEvents batch and on event times.
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	eventOverhead  = 26
	maxPastAge     = 14 * 24 * time.Hour
	maxFutureAge   = 2 * time.Hour
	maxBatchSpan   = 24 * time.Hour
	defaultLimit   = 10000
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Event is one log event to append.
type Event struct {
	Timestamp int64 // milliseconds since the epoch
	Message   string
}

// Append writes events to a stream, the way the awslogs driver does; the
// stream must exist. It returns the next sequence token.
func Append(c *api.Context, group, stream string, events []Event) (string, error) {
	s, err := getStream(c, group, stream)
	if err != nil {
		return "", err
	}
	now := c.Now().UnixMilli()
	var last int64
	for _, e := range events {
		seq, err := store.AppendLogEvent(c.Tx, c.Scope(), group, store.LogEvent{Stream: stream, Timestamp: e.Timestamp, Ingested: now, Message: e.Message})
		if err != nil {
			return "", err
		}
		last = seq
		if s.FirstEventTimestamp == nil || e.Timestamp < *s.FirstEventTimestamp {
			s.FirstEventTimestamp = aws.Int64(e.Timestamp)
		}
		if s.LastEventTimestamp == nil || e.Timestamp > *s.LastEventTimestamp {
			s.LastEventTimestamp = aws.Int64(e.Timestamp)
		}
	}
	token := padded(last) + padded(now)
	if len(events) > 0 {
		s.LastIngestionTime = aws.Int64(now)
		s.UploadSequenceToken = aws.String(token)
	}
	return token, putStream(c, s)
}

func putLogEvents(c *api.Context, in *cwl.PutLogEventsInput) (*cwl.PutLogEventsOutput, error) {
	group, stream := aws.ToString(in.LogGroupName), aws.ToString(in.LogStreamName)
	if _, err := getGroup(c, group); err != nil {
		return nil, err
	}
	if len(in.LogEvents) > maxBatchEvents {
		return nil, apierror.New("InvalidParameterException", "Log events in a single PutLogEvents request must not exceed %d.", maxBatchEvents)
	}
	size := 0
	for i, e := range in.LogEvents {
		size += len(aws.ToString(e.Message)) + eventOverhead
		if i > 0 && aws.ToInt64(e.Timestamp) < aws.ToInt64(in.LogEvents[i-1].Timestamp) {
			return nil, apierror.New("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
		}
		if !utf8.ValidString(aws.ToString(e.Message)) {
			return nil, apierror.New("InvalidParameterException", "Log event messages must be valid UTF-8.")
		}
	}
	if size > maxBatchBytes {
		return nil, apierror.New("InvalidParameterException", "Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	if n := len(in.LogEvents); n > 1 && aws.ToInt64(in.LogEvents[n-1].Timestamp)-aws.ToInt64(in.LogEvents[0].Timestamp) > maxBatchSpan.Milliseconds() {
		return nil, apierror.New("InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	// Events too old or too far in the future are rejected, not failed, as AWS does.
	now := c.Now().UnixMilli()
	var accepted []Event
	rejected := &types.RejectedLogEventsInfo{}
	anyRejected := false
	for i, e := range in.LogEvents {
		ts := aws.ToInt64(e.Timestamp)
		switch {
		case ts < now-maxPastAge.Milliseconds():
			rejected.TooOldLogEventEndIndex = aws.Int32(int32(i))
			anyRejected = true
		case ts > now+maxFutureAge.Milliseconds():
			if rejected.TooNewLogEventStartIndex == nil {
				rejected.TooNewLogEventStartIndex = aws.Int32(int32(i))
			}
			anyRejected = true
		default:
			accepted = append(accepted, Event{Timestamp: ts, Message: aws.ToString(e.Message)})
		}
	}
	token, err := Append(c, group, stream, accepted)
	if err != nil {
		return nil, err
	}
	out := &cwl.PutLogEventsOutput{NextSequenceToken: aws.String(token)}
	if anyRejected {
		out.RejectedLogEventsInfo = rejected
	}
	return out, nil
}

func deleteEvents(c *api.Context, group, stream string) error {
	return store.DeleteLogEvents(c.Tx, c.Scope(), group, stream)
}

func getLogEvents(c *api.Context, in *cwl.GetLogEventsInput) (*cwl.GetLogEventsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if _, err := getGroup(c, group); err != nil {
		return nil, err
	}
	stream := aws.ToString(in.LogStreamName)
	if _, err := getStream(c, group, stream); err != nil {
		return nil, err
	}
	limit := int(aws.ToInt32(in.Limit))
	if limit == 0 {
		limit = defaultLimit
	}
	scope := "logs:GetLogEvents:" + group + ":" + stream
	// A token is "f/" or "b/" and a position: forward reads after it, backward before it.
	forward := aws.ToBool(in.StartFromHead)
	paging := logsPaging(scope, nil, limit)
	if tok := aws.ToString(in.NextToken); tok != "" {
		dir, rest, ok := strings.Cut(tok, "/")
		if !ok || (dir != "f" && dir != "b") {
			return nil, paging.BadToken
		}
		forward, paging.Token = dir == "f", aws.String(rest)
	}
	// The first read starts at the token's position, which the tokens handed back need.
	var pos int64
	read := false
	page, _, err := api.PaginateFunc(paging, func(after int64, n int) ([]store.Item[store.LogEvent], error) {
		if !read {
			pos, read = after, true
		}
		q := store.LogEventQuery{Group: group, Streams: []string{stream}, Start: in.StartTime, End: in.EndTime, Desc: !forward, Limit: n}
		if forward {
			q.After = after
		} else {
			q.Before = after
		}
		return eventItems(store.LogEvents(c.Tx, c.Scope(), q))
	}, nil)
	if err != nil {
		return nil, err
	}
	events := make([]store.LogEvent, len(page))
	for i, e := range page {
		events[i] = *e
	}
	if !forward {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	out := &cwl.GetLogEventsOutput{Events: []types.OutputLogEvent{}}
	for _, e := range events {
		out.Events = append(out.Events, types.OutputLogEvent{Timestamp: aws.Int64(e.Timestamp), IngestionTime: aws.Int64(e.Ingested), Message: aws.String(e.Message)})
	}
	// At either end the token handed back is the one given, so clients know to stop.
	first, last := pos, pos
	if len(events) > 0 {
		first, last = events[0].Seq, events[len(events)-1].Seq
	} else if pos == 0 {
		first, last = 0, 0
	}
	out.NextForwardToken = aws.String("f/" + api.EncodeToken(scope, last))
	out.NextBackwardToken = aws.String("b/" + api.EncodeToken(scope, first))
	return out, nil
}

func filterLogEvents(c *api.Context, in *cwl.FilterLogEventsInput) (*cwl.FilterLogEventsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if _, err := getGroup(c, group); err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, apierror.New("InvalidParameterException", "Cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	match, err := compileFilter(aws.ToString(in.FilterPattern))
	if err != nil {
		return nil, err
	}
	limit := int(aws.ToInt32(in.Limit))
	if limit == 0 {
		limit = defaultLimit
	}
	events, next, err := api.PaginateFunc(logsPaging("logs:FilterLogEvents:"+group, in.NextToken, limit), func(after int64, n int) ([]store.Item[store.LogEvent], error) {
		return eventItems(store.LogEvents(c.Tx, c.Scope(), store.LogEventQuery{Group: group, Streams: in.LogStreamNames,
			StreamPrefix: aws.ToString(in.LogStreamNamePrefix), Start: in.StartTime, End: in.EndTime, After: after, Limit: n}))
	}, func(e *store.LogEvent) bool { return match(e.Message) })
	if err != nil {
		return nil, err
	}
	out := &cwl.FilterLogEventsOutput{Events: []types.FilteredLogEvent{}, NextToken: next}
	for _, e := range events {
		out.Events = append(out.Events, types.FilteredLogEvent{
			EventId: aws.String(padded(e.Seq)), LogStreamName: aws.String(e.Stream),
			Timestamp: aws.Int64(e.Timestamp), IngestionTime: aws.Int64(e.Ingested), Message: aws.String(e.Message),
		})
	}
	return out, nil
}

// logsPaging is a page of a CloudWatch Logs listing.
func logsPaging(scope string, token *string, limit int) api.Paging {
	return api.Paging{Listing: scope, Token: token, Size: limit, BadToken: apierror.New("InvalidParameterException", "The specified nextToken is invalid.")}
}

// eventItems positions events by their sequence number.
func eventItems(events []store.LogEvent, err error) ([]store.Item[store.LogEvent], error) {
	items := make([]store.Item[store.LogEvent], len(events))
	for i := range events {
		items[i] = store.Item[store.LogEvent]{Seq: events[i].Seq, Doc: &events[i]}
	}
	return items, err
}
