// Package sqs implements Amazon Simple Queue Service: standard and FIFO
// queues, messages with visibility, delay, retention and long polling,
// dead-letter queues and redrives, tags and permissions, in both the JSON
// protocol and the older query form.
package sqs

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Service is SQS with the wake-ups of its long polls.
type Service struct {
	*api.Service
	waits *waiters
}

// New builds the SQS service.
func New() *Service {
	s := &Service{Service: api.NewService("sqs"), waits: &waiters{m: map[string]*waiter{}}}
	s.Codecs = map[string]protocol.Codec{"query": newQueryCodec()}
	api.Handle(s.Service, "CreateQueue", createQueue)
	api.Handle(s.Service, "DeleteQueue", s.deleteQueue)
	api.Handle(s.Service, "GetQueueUrl", getQueueURL)
	api.Handle(s.Service, "ListQueues", listQueues)
	api.Handle(s.Service, "GetQueueAttributes", getQueueAttributes)
	api.Handle(s.Service, "SetQueueAttributes", s.setQueueAttributes)
	api.Handle(s.Service, "PurgeQueue", purgeQueue)
	api.Handle(s.Service, "TagQueue", tagQueue)
	api.Handle(s.Service, "UntagQueue", untagQueue)
	api.Handle(s.Service, "ListQueueTags", listQueueTags)
	api.Handle(s.Service, "AddPermission", addPermission)
	api.Handle(s.Service, "RemovePermission", removePermission)
	api.Handle(s.Service, "ListDeadLetterSourceQueues", listDeadLetterSourceQueues)
	api.Handle(s.Service, "SendMessage", s.sendMessage)
	api.Handle(s.Service, "SendMessageBatch", s.sendMessageBatch)
	api.Handle(s.Service, "ReceiveMessage", s.receiveMessage)
	api.Handle(s.Service, "DeleteMessage", deleteMessage)
	api.Handle(s.Service, "DeleteMessageBatch", deleteMessageBatch)
	api.Handle(s.Service, "ChangeMessageVisibility", s.changeMessageVisibility)
	api.Handle(s.Service, "ChangeMessageVisibilityBatch", s.changeMessageVisibilityBatch)
	api.Handle(s.Service, "StartMessageMoveTask", startMessageMoveTask)
	api.Handle(s.Service, "CancelMessageMoveTask", cancelMessageMoveTask)
	api.Handle(s.Service, "ListMessageMoveTasks", listMessageMoveTasks)
	s.validateInHandlers()
	return s
}

// validateInHandlers checks the model's constraints in each handler instead
// of before it, so that SQS answers in its own words: attribute names
// outside the model's enums are SQS's InvalidAttributeName, and the
// deprecated AttributeNames of ReceiveMessage also takes message attribute
// names, which its enum does not list.
func (s *Service) validateInHandlers() {
	s.SkipValidation = true
	for op, h := range s.Handlers {
		call, shape, receive := h.Call, s.Model.Operations[op].Input, op == "ReceiveMessage"
		h.Call = func(c *api.Context, in any) (any, error) {
			for _, v := range protocol.Validate(shape, in) {
				switch {
				case v.Constraint == "Member must not be null":
					return nil, apierror.New("MissingParameter", "The request must contain the parameter %s.", upperFirst(v.Path))
				case strings.HasPrefix(v.Constraint, "Member must satisfy enum value set"):
					if receive {
						continue // checked by the handler
					}
					return nil, errUnknownAttr(strings.Trim(v.Value, "'"))
				default:
					return nil, apierror.New("InvalidParameterValue", "%s", protocol.ValidationMessage([]protocol.Violation{v}))
				}
			}
			return call(c, in)
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	if i := strings.IndexAny(s, ".["); i >= 0 {
		s = s[:i]
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// waiters wake the long polls of a queue when something may have become
// receivable. A send signals inside its write transaction: a woken poll runs
// its next write transaction after that one commits (writers take turns).
type waiters struct {
	mu sync.Mutex
	m  map[string]*waiter
}

type waiter struct{ ch chan struct{} }

func waitKey(sc store.Scope, name string) string { return sc.Account + "/" + sc.Region + "/" + name }

// wait returns a channel closed by the next signal of the queue.
func (w *waiters) wait(key string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.m[key]
	if e == nil {
		e = &waiter{ch: make(chan struct{})}
		w.m[key] = e
	}
	return e.ch
}

// signal wakes the polls waiting on a queue.
func (w *waiters) signal(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e := w.m[key]; e != nil {
		close(e.ch)
		delete(w.m, key)
	}
}

// queueRef is what a queue URL names.
type queueRef struct {
	Account, Name string
}

// parseQueueURL reads the account and queue name from a queue URL in any of
// the forms clients send: AWS's (https://sqs.<region>.amazonaws.com/<account>/<name>),
// Longshore's (http://host:port/<account>/<name>), or the bare path.
func parseQueueURL(raw string) (queueRef, bool) {
	p := raw
	if u, err := url.Parse(raw); err == nil && u.Path != "" {
		p = u.Path
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) < 2 {
		return queueRef{}, false
	}
	acct, name := parts[len(parts)-2], parts[len(parts)-1]
	if acct == "" || name == "" {
		return queueRef{}, false
	}
	return queueRef{Account: acct, Name: name}, true
}

// queueURL is a queue's URL on the endpoint the caller reached.
func queueURL(c *api.Context, account, name string) string {
	ep := c.Endpoint
	if ep == "" {
		ep = "https://sqs." + c.Region + "." + api.DNSSuffix(c.Region)
	}
	return strings.TrimSuffix(ep, "/") + "/" + account + "/" + name
}

func queueARN(region, account, name string) string {
	return "arn:" + api.Partition(region) + ":sqs:" + region + ":" + account + ":" + name
}

// parseQueueARN splits arn:aws:sqs:<region>:<account>:<name>.
func parseQueueARN(arn string) (region, account, name string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5] == "" {
		return "", "", "", false
	}
	return parts[3], parts[4], parts[5], true
}

// Errors in SQS's words (the query codes; the JSON protocol names the shape
// in __type and sends the code in x-amzn-query-error).
func errNoQueue() error {
	return apierror.New("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func errInvalidParam(format string, args ...any) error {
	return apierror.New("InvalidParameterValue", format, args...)
}

func errAttrValue(name string) error {
	return apierror.New("InvalidAttributeValue", "Invalid value for the parameter %s.", name)
}

func errReceipt(h string) error {
	return apierror.New("ReceiptHandleIsInvalid", "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// seconds turns a count of seconds into a duration.
func seconds(n int) time.Duration { return time.Duration(n) * time.Second }
