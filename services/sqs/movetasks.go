package sqs

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// moveTask is a redrive of a dead-letter queue's messages.
type moveTask struct {
	Handle, Source, Destination string
	Rate                        *int32 `json:",omitempty"`
	Status                      string
	Moved                       int64
	ToMove                      int64
	Started                     int64  // Unix milliseconds
	Failure                     string `json:",omitempty"`
}

// moveTasks: id = task handle, Parent = source queue ARN, Status = the task's status.
var moveTasks = store.Collection[moveTask]{Kind: "sqs/move-task"}

func errTaskNotFound() error {
	return apierror.New("ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.")
}

// queueByARN loads a queue of this region from its ARN.
func queueByARN(c *api.Context, arn string) (*Queue, store.Scope, bool, error) {
	region, account, name, ok := parseQueueARN(arn)
	if !ok || region != c.Region {
		return nil, store.Scope{}, false, nil
	}
	sc := store.Scope{Account: account, Region: region}
	q, err := Queues.Get(c.Tx, sc, name)
	return q, sc, q != nil, err
}

func startMessageMoveTask(c *api.Context, in *sqs.StartMessageMoveTaskInput) (*sqs.StartMessageMoveTaskOutput, error) {
	source := aws.ToString(in.SourceArn)
	q, sc, ok, err := queueByARN(c, source)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errTaskNotFound()
	}
	isDLQ, err := Queues.Exists(c.Tx, sc, store.Query{Attr: source})
	if err != nil {
		return nil, err
	}
	if !isDLQ {
		return nil, errInvalidParam("Source queue must be configured as a Dead Letter Queue.")
	}
	dest := aws.ToString(in.DestinationArn)
	if dest != "" {
		if _, _, ok, err := queueByARN(c, dest); err != nil {
			return nil, err
		} else if !ok {
			return nil, apierror.New("ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
	}
	if r := in.MaxNumberOfMessagesPerSecond; r != nil && (*r < 1 || *r > 500) {
		return nil, errInvalidParam("Value %d for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.", *r)
	}
	running, err := moveTasks.Exists(c.Tx, sc, store.Query{Parent: source, Status: "RUNNING"})
	if err != nil {
		return nil, err
	}
	if running {
		return nil, apierror.New("AWS.SimpleQueueService.UnsupportedOperation", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
	}
	st, err := queueStats(c.Tx, sc, q, c.Now())
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(map[string]string{"taskId": api.UUID(), "sourceArn": source})
	t := &moveTask{Handle: base64.StdEncoding.EncodeToString(b), Source: source, Destination: dest, Rate: in.MaxNumberOfMessagesPerSecond,
		Status: "RUNNING", ToMove: int64(st.Visible + st.NotVisible + st.Delayed), Started: c.Now().UnixMilli()}
	if err := moveTasks.Put(c.Tx, sc, t.Handle, store.Index{Parent: source, Status: t.Status}, t); err != nil {
		return nil, err
	}
	return &sqs.StartMessageMoveTaskOutput{TaskHandle: aws.String(t.Handle)}, nil
}

func taskByHandle(c *api.Context, handle string) (*moveTask, store.Scope, error) {
	b, err := base64.StdEncoding.DecodeString(handle)
	var h struct {
		SourceArn string `json:"sourceArn"`
	}
	if err != nil || json.Unmarshal(b, &h) != nil {
		return nil, store.Scope{}, apierror.New("ResourceNotFoundException", "Task does not exist.")
	}
	region, account, _, ok := parseQueueARN(h.SourceArn)
	if !ok {
		return nil, store.Scope{}, apierror.New("ResourceNotFoundException", "Task does not exist.")
	}
	sc := store.Scope{Account: account, Region: region}
	t, err := moveTasks.Get(c.Tx, sc, handle)
	if err != nil {
		return nil, sc, err
	}
	if t == nil {
		return nil, sc, apierror.New("ResourceNotFoundException", "Task does not exist.")
	}
	return t, sc, nil
}

func cancelMessageMoveTask(c *api.Context, in *sqs.CancelMessageMoveTaskInput) (*sqs.CancelMessageMoveTaskOutput, error) {
	t, sc, err := taskByHandle(c, aws.ToString(in.TaskHandle))
	if err != nil {
		return nil, err
	}
	if t.Status != "RUNNING" {
		return nil, apierror.New("AWS.SimpleQueueService.UnsupportedOperation", "Only active tasks can be cancelled.")
	}
	t.Status = "CANCELLED"
	if err := moveTasks.Put(c.Tx, sc, t.Handle, store.Index{Parent: t.Source, Status: t.Status}, t); err != nil {
		return nil, err
	}
	return &sqs.CancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: t.Moved}, nil
}

func listMessageMoveTasks(c *api.Context, in *sqs.ListMessageMoveTasksInput) (*sqs.ListMessageMoveTasksOutput, error) {
	source := aws.ToString(in.SourceArn)
	if _, _, ok, err := queueByARN(c, source); err != nil {
		return nil, err
	} else if !ok {
		return nil, errTaskNotFound()
	}
	n := int32(1)
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, errInvalidParam("Value %d for parameter MaxResults is invalid. Reason: Must be between 1 and 10.", *in.MaxResults)
		}
		n = *in.MaxResults
	}
	region, account, _, _ := parseQueueARN(source)
	items, err := moveTasks.List(c.Tx, store.Scope{Account: account, Region: region}, store.Query{Parent: source, Desc: true, Limit: int(n)})
	if err != nil {
		return nil, err
	}
	out := &sqs.ListMessageMoveTasksOutput{Results: []types.ListMessageMoveTasksResultEntry{}}
	for _, it := range items {
		t := it.Doc
		e := types.ListMessageMoveTasksResultEntry{SourceArn: aws.String(t.Source), DestinationArn: optional(t.Destination),
			MaxNumberOfMessagesPerSecond: t.Rate, Status: aws.String(t.Status), ApproximateNumberOfMessagesMoved: t.Moved,
			ApproximateNumberOfMessagesToMove: aws.Int64(t.ToMove), StartedTimestamp: t.Started, FailureReason: optional(t.Failure)}
		if t.Status == "RUNNING" {
			e.TaskHandle = aws.String(t.Handle)
		}
		out.Results = append(out.Results, e)
	}
	return out, nil
}

// runMoveTasks moves the messages of running tasks, at most rate a second
// since the last step, and completes the tasks whose queue is empty.
func (s *Service) runMoveTasks(tx *store.Tx, sc store.Scope, now time.Time) error {
	items, err := moveTasks.List(tx, sc, store.Query{Status: "RUNNING"})
	if err != nil {
		return err
	}
	for _, it := range items {
		t := it.Doc
		_, _, name, _ := parseQueueARN(t.Source)
		q, err := Queues.Get(tx, sc, name)
		if err != nil {
			return err
		}
		if q == nil {
			t.Status, t.Failure = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
		} else if err := s.moveSome(tx, sc, q, t, now); err != nil {
			return err
		}
		if err := moveTasks.Put(tx, sc, t.Handle, store.Index{Parent: t.Source, Status: t.Status}, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) moveSome(tx *store.Tx, sc store.Scope, q *Queue, t *moveTask, now time.Time) error {
	msgs, err := Messages.List(tx, sc, store.Query{Parent: q.Name})
	if err != nil {
		return err
	}
	budget := int64(500)
	if t.Rate != nil {
		elapsed := now.Sub(time.UnixMilli(t.Started)).Seconds()
		budget = max(int64(elapsed*float64(*t.Rate))-t.Moved, 0)
	}
	targets := map[string]*Queue{}
	left := 0
	for _, it := range msgs {
		m := it.Doc
		if m.inFlight(now) || m.delayed(now) {
			left++
			continue
		}
		if budget == 0 {
			left++
			continue
		}
		dest := t.Destination
		if dest == "" {
			dest = m.Source
		}
		region, account, name, ok := parseQueueARN(dest)
		if !ok || region != sc.Region || account != sc.Account {
			t.Status, t.Failure = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
			break
		}
		to := targets[name]
		if to == nil {
			if to, err = Queues.Get(tx, sc, name); err != nil {
				return err
			}
			if to == nil {
				t.Status, t.Failure = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
				break
			}
			targets[name] = to
		}
		if _, err := Messages.Delete(tx, sc, it.ID); err != nil {
			return err
		}
		m.Receives = 0
		m.FirstReceive = time.Time{}
		if err := s.enqueue(tx, sc, to, m, "", now); err != nil {
			return err
		}
		t.Moved++
		budget--
	}
	for _, to := range targets {
		if err := Queues.Put(tx, sc, to.Name, store.Index{Name: to.Name, Attr: dlqTarget(to)}, to); err != nil {
			return err
		}
	}
	if t.Status == "RUNNING" && left == 0 && t.Moved >= 0 && budget != 0 {
		t.Status = "COMPLETED"
	}
	return nil
}
