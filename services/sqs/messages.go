package sqs

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// message is a stored message.
type message struct {
	ID      string
	Seq     int64
	Body    string
	MD5Body string
	Attrs   map[string]types.MessageAttributeValue       `json:",omitempty"`
	Sys     map[string]types.MessageSystemAttributeValue `json:",omitempty"`
	Sent    time.Time
	// VisibleAt ends the message's delay or its visibility timeout.
	VisibleAt    time.Time
	Receives     int
	FirstReceive time.Time `json:",omitempty"`
	// Receipt is the token of the latest receive.
	Receipt   string `json:",omitempty"`
	GroupID   string `json:",omitempty"`
	DedupID   string `json:",omitempty"`
	SeqNumber string `json:",omitempty"`
	SenderID  string
	// Source is the ARN of the queue a dead-letter move took it from.
	Source string `json:",omitempty"`
}

// Messages: id = queue name + "/" + zero-padded sequence, Parent = queue name.
var Messages = store.Collection[message]{Kind: "sqs/message"}

func messageID(queue string, seq int64) string { return fmt.Sprintf("%s/%020d", queue, seq) }

// state of a message at a time.
func (m *message) visible(now time.Time) bool  { return !m.VisibleAt.After(now) }
func (m *message) inFlight(now time.Time) bool { return m.Receives > 0 && m.VisibleAt.After(now) }
func (m *message) delayed(now time.Time) bool  { return m.Receives == 0 && m.VisibleAt.After(now) }

// stats are a queue's message counts at a time.
type stats struct {
	Visible, NotVisible, Delayed int
	Oldest                       time.Time
}

func queueStats(tx *store.Tx, sc store.Scope, q *Queue, now time.Time) (stats, error) {
	var st stats
	items, err := Messages.List(tx, sc, store.Query{Parent: q.Name})
	if err != nil {
		return st, err
	}
	retention := seconds(q.intAttr("MessageRetentionPeriod"))
	for _, it := range items {
		m := it.Doc
		if now.Sub(m.Sent) >= retention {
			continue
		}
		switch {
		case m.delayed(now):
			st.Delayed++
		case m.inFlight(now):
			st.NotVisible++
		default:
			st.Visible++
		}
		if st.Oldest.IsZero() || m.Sent.Before(st.Oldest) {
			st.Oldest = m.Sent
		}
	}
	return st, nil
}

// md5Hex is the hex MD5 of s.
func md5Hex(b []byte) string {
	h := md5.Sum(b)
	return hex.EncodeToString(h[:])
}

// attrValue is what both attribute kinds hold.
type attrValue struct {
	DataType   string
	String     *string
	Binary     []byte
	StringList []string
	BinaryList [][]byte
}

// attrsMD5 is the MD5 of message attributes as SQS computes it: names in
// order, each as length-prefixed name and data type, a transport byte, then
// the length-prefixed value(s).
func attrsMD5(values map[string]attrValue) string {
	if len(values) == 0 {
		return ""
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf []byte
	put := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	for _, n := range names {
		v := values[n]
		put([]byte(n))
		put([]byte(v.DataType))
		switch {
		case v.String != nil:
			buf = append(buf, 1)
			put([]byte(*v.String))
		case v.Binary != nil:
			buf = append(buf, 2)
			put(v.Binary)
		case v.StringList != nil:
			buf = append(buf, 3)
			for _, s := range v.StringList {
				put([]byte(s))
			}
		case v.BinaryList != nil:
			buf = append(buf, 4)
			for _, b := range v.BinaryList {
				put(b)
			}
		}
	}
	return md5Hex(buf)
}

func userAttrs(m map[string]types.MessageAttributeValue) map[string]attrValue {
	out := make(map[string]attrValue, len(m))
	for k, v := range m {
		out[k] = attrValue{DataType: aws.ToString(v.DataType), String: v.StringValue, Binary: v.BinaryValue, StringList: v.StringListValues, BinaryList: v.BinaryListValues}
	}
	return out
}

func sysAttrs(m map[string]types.MessageSystemAttributeValue) map[string]attrValue {
	out := make(map[string]attrValue, len(m))
	for k, v := range m {
		out[k] = attrValue{DataType: aws.ToString(v.DataType), String: v.StringValue, Binary: v.BinaryValue, StringList: v.StringListValues, BinaryList: v.BinaryListValues}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// validBody reports whether a body holds only the characters SQS accepts.
func validBody(s string) bool {
	for _, r := range s {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return utf8.ValidString(s)
}

// sendInput is SendMessage's input with the optional integers that tell
// "not given" from zero.
type sendInput struct {
	Id                      *string
	MessageBody             *string
	QueueUrl                *string
	DelaySeconds            *int32
	MessageAttributes       map[string]types.MessageAttributeValue
	MessageDeduplicationId  *string
	MessageGroupId          *string
	MessageSystemAttributes map[string]types.MessageSystemAttributeValue
}

var attrName = regexp.MustCompile(`^[A-Za-z0-9_\-.]{1,256}$`)

func checkMessageAttributes(attrs map[string]attrValue, system bool) (int, error) {
	if len(attrs) > 10 {
		return 0, errInvalidParam("Number of message attributes [%d] exceeds the allowed maximum [10].", len(attrs))
	}
	size := 0
	for n, v := range attrs {
		if system && n != "AWSTraceHeader" {
			return 0, errInvalidParam("Message system attribute name '%s' is invalid.", n)
		}
		lower := strings.ToLower(n)
		if !attrName.MatchString(n) || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") ||
			strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".") || strings.Contains(n, "..") {
			if !system {
				return 0, errInvalidParam("Message (user) attribute name '%s' is invalid.", n)
			}
		}
		base, _, _ := strings.Cut(v.DataType, ".")
		switch base {
		case "String", "Number":
			if v.String == nil || *v.String == "" {
				return 0, errInvalidParam("Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", n, base)
			}
			if base == "Number" {
				if _, err := strconv.ParseFloat(*v.String, 64); err != nil {
					return 0, errInvalidParam("Can't cast the value of message (user) attribute '%s' to a number.", n)
				}
			}
			size += len(*v.String)
		case "Binary":
			if len(v.Binary) == 0 {
				return 0, errInvalidParam("Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", n, base)
			}
			size += len(v.Binary)
		default:
			if v.DataType == "" {
				return 0, errInvalidParam("The message attribute '%s' must contain non-empty message attribute type.", n)
			}
			return 0, errInvalidParam("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", n)
		}
		size += len(n) + len(v.DataType)
	}
	return size, nil
}

// send puts one message on a queue (the queue document is updated by the caller).
func (s *Service) send(c *api.Context, q *Queue, sc store.Scope, in *sendInput) (*types.SendMessageBatchResultEntry, error) {
	body := aws.ToString(in.MessageBody)
	if body == "" {
		return nil, apierror.New("MissingParameter", "The request must contain the parameter MessageBody.")
	}
	if !validBody(body) {
		return nil, apierror.New("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	}
	ua, sa := userAttrs(in.MessageAttributes), sysAttrs(in.MessageSystemAttributes)
	usize, err := checkMessageAttributes(ua, false)
	if err != nil {
		return nil, err
	}
	if _, err := checkMessageAttributes(sa, true); err != nil {
		return nil, err
	}
	if limit := q.intAttr("MaximumMessageSize"); len(body)+usize > limit {
		return nil, errInvalidParam("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", limit)
	}
	now := c.Now()
	delay := q.intAttr("DelaySeconds")
	if in.DelaySeconds != nil {
		if q.fifo() && *in.DelaySeconds != 0 {
			return nil, errInvalidParam("Value %d for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", *in.DelaySeconds)
		}
		if *in.DelaySeconds < 0 || *in.DelaySeconds > 900 {
			return nil, errInvalidParam("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *in.DelaySeconds)
		}
		delay = int(*in.DelaySeconds)
	}
	group, dedupID := aws.ToString(in.MessageGroupId), aws.ToString(in.MessageDeduplicationId)
	if !q.fifo() && in.MessageDeduplicationId != nil {
		return nil, errInvalidParam("The request include parameter MessageDeduplicationId which is not valid for this queue type")
	}
	m := &message{Body: body, MD5Body: md5Hex([]byte(body)), Attrs: in.MessageAttributes, Sys: in.MessageSystemAttributes,
		Sent: now, VisibleAt: now.Add(seconds(delay)), GroupID: group, SenderID: senderID(c)}
	out := &types.SendMessageBatchResultEntry{Id: in.Id, MD5OfMessageBody: aws.String(m.MD5Body),
		MD5OfMessageAttributes: optional(attrsMD5(ua)), MD5OfMessageSystemAttributes: optional(attrsMD5(sa))}
	if q.fifo() {
		if group == "" {
			return nil, apierror.New("MissingParameter", "The request must contain the parameter MessageGroupId.")
		}
		if dedupID == "" {
			if q.Attributes["ContentBasedDeduplication"] != "true" {
				return nil, errInvalidParam("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(body))
			dedupID = hex.EncodeToString(sum[:])
		}
		key := dedupID
		if q.Attributes["DeduplicationScope"] == "messageGroup" {
			key = group + "\x00" + dedupID
		}
		for k, d := range q.Dedup {
			if !d.Until.After(now) {
				delete(q.Dedup, k)
			}
		}
		if d, ok := q.Dedup[key]; ok {
			// A duplicate within five minutes is accepted and not delivered again.
			out.MessageId, out.SequenceNumber = aws.String(d.MessageID), aws.String(d.Seq)
			return out, nil
		}
		m.DedupID = dedupID
	}
	q.Seq++
	m.Seq = q.Seq
	m.ID = api.UUID()
	if q.fifo() {
		m.SeqNumber = fmt.Sprintf("%020d", now.UnixNano()/1000*1000+q.Seq%1000)
		if q.Dedup == nil {
			q.Dedup = map[string]dedup{}
		}
		key := m.DedupID
		if q.Attributes["DeduplicationScope"] == "messageGroup" {
			key = group + "\x00" + m.DedupID
		}
		q.Dedup[key] = dedup{MessageID: m.ID, Seq: m.SeqNumber, Until: now.Add(5 * time.Minute)}
		out.SequenceNumber = aws.String(m.SeqNumber)
	}
	if err := Messages.Put(c.Tx, sc, messageID(q.Name, m.Seq), store.Index{Parent: q.Name, Name: m.ID}, m); err != nil {
		return nil, err
	}
	q.Counts.Sent++
	q.Counts.SentBytes += float64(len(body) + usize)
	out.MessageId = aws.String(m.ID)
	s.waits.signal(waitKey(sc, q.Name))
	return out, nil
}

func senderID(c *api.Context) string {
	if c.Caller.UserID != "" {
		return c.Caller.UserID
	}
	return c.Account()
}

func (s *Service) sendMessage(c *api.Context, in *sendInput) (*sqs.SendMessageOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	r, err := s.send(c, q, sc, in)
	if err != nil {
		return nil, err
	}
	if err := putQueue(c, sc, q); err != nil {
		return nil, err
	}
	return &sqs.SendMessageOutput{MessageId: r.MessageId, MD5OfMessageBody: r.MD5OfMessageBody, MD5OfMessageAttributes: r.MD5OfMessageAttributes,
		MD5OfMessageSystemAttributes: r.MD5OfMessageSystemAttributes, SequenceNumber: r.SequenceNumber}, nil
}

var batchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatch checks a batch's entry ids.
func checkBatch(kind string, ids []*string) error {
	if len(ids) == 0 {
		return apierror.New("AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one %s in the request.", kind)
	}
	if len(ids) > 10 {
		return apierror.New("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent %d.", len(ids))
	}
	seen := map[string]bool{}
	for _, p := range ids {
		id := aws.ToString(p)
		if !batchID.MatchString(id) {
			return apierror.New("AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[id] {
			return apierror.New("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id %s repeated.", id)
		}
		seen[id] = true
	}
	return nil
}

// eachEntry runs a batch's entries one by one. An entry refused with an
// AWS error becomes its failure in the answer; any other error ends the batch.
func eachEntry[E, R any](entries []E, id func(*E) *string, run func(*E) (R, error)) ([]R, []types.BatchResultErrorEntry, error) {
	ok, failed := []R{}, []types.BatchResultErrorEntry{}
	for i := range entries {
		e := &entries[i]
		r, err := run(e)
		if err == nil {
			ok = append(ok, r)
			continue
		}
		ae, isAWS := err.(*apierror.Error)
		if !isAWS {
			return nil, nil, err
		}
		failed = append(failed, types.BatchResultErrorEntry{Id: id(e), Code: aws.String(ae.Code), Message: aws.String(ae.Message), SenderFault: !ae.Receiver})
	}
	return ok, failed, nil
}

type sendBatchInput struct {
	Entries  []sendInput
	QueueUrl *string
}

func (s *Service) sendMessageBatch(c *api.Context, in *sendBatchInput) (*sqs.SendMessageBatchOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	ids := make([]*string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.Id
		total += len(aws.ToString(e.MessageBody))
		for n, v := range e.MessageAttributes {
			total += len(n) + len(aws.ToString(v.DataType)) + len(aws.ToString(v.StringValue)) + len(v.BinaryValue)
		}
	}
	if err := checkBatch("SendMessageBatchRequestEntry", ids); err != nil {
		return nil, err
	}
	if limit := q.intAttr("MaximumMessageSize"); total > limit {
		return nil, apierror.New("AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", limit, total)
	}
	ok, failed, err := eachEntry(in.Entries, func(e *sendInput) *string { return e.Id },
		func(e *sendInput) (types.SendMessageBatchResultEntry, error) {
			r, err := s.send(c, q, sc, e)
			if err != nil {
				return types.SendMessageBatchResultEntry{}, err
			}
			return *r, nil
		})
	if err != nil {
		return nil, err
	}
	return &sqs.SendMessageBatchOutput{Successful: ok, Failed: failed}, putQueue(c, sc, q)
}

// receipt is what a receipt handle names.
type receipt struct {
	Queue string
	Seq   int64
	Token string
}

func (r receipt) String() string {
	return base64.StdEncoding.EncodeToString([]byte(r.Queue + "\x00" + strconv.FormatInt(r.Seq, 10) + "\x00" + r.Token))
}

func parseReceipt(h string) (receipt, bool) {
	b, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return receipt{}, false
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 {
		return receipt{}, false
	}
	seq, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return receipt{}, false
	}
	return receipt{Queue: parts[0], Seq: seq, Token: parts[2]}, true
}

// receiveInput is ReceiveMessage's input with optional integers.
type receiveInput struct {
	QueueUrl                    *string
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	MaxNumberOfMessages         *int32
	VisibilityTimeout           *int32
	WaitTimeSeconds             *int32
	ReceiveRequestAttemptId     *string
}

func (s *Service) receiveMessage(c *api.Context, in *receiveInput) (*sqs.ReceiveMessageOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	// Taken while this write transaction holds the writer's turn: any send
	// that commits later wakes this poll.
	wake := s.waits.wait(waitKey(sc, q.Name))
	max := 1
	if in.MaxNumberOfMessages != nil {
		if n := *in.MaxNumberOfMessages; n < 1 || n > 10 {
			return nil, errInvalidParam("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", n)
		}
		max = int(*in.MaxNumberOfMessages)
	}
	wait := q.intAttr("ReceiveMessageWaitTimeSeconds")
	if in.WaitTimeSeconds != nil {
		if n := *in.WaitTimeSeconds; n < 0 || n > 20 {
			return nil, errInvalidParam("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", n)
		}
		wait = int(*in.WaitTimeSeconds)
	}
	vis := q.intAttr("VisibilityTimeout")
	if in.VisibilityTimeout != nil {
		if n := *in.VisibilityTimeout; n < 0 || n > 43200 {
			return nil, errInvalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", n)
		}
		vis = int(*in.VisibilityTimeout)
	}
	for _, n := range append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...) {
		if !isSystemName(n) {
			return nil, errUnknownAttr(n)
		}
	}
	now := c.Now()
	got, next, err := s.take(c, q, sc, max, vis, now)
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		deadline := c.PollStart.Add(seconds(wait))
		if wait > 0 && now.Before(deadline) {
			until := deadline
			if !next.IsZero() && next.Before(until) {
				until = next
			}
			return nil, &api.Poll{Wake: wake, Until: until}
		}
		q.Counts.EmptyReceives++
		return &sqs.ReceiveMessageOutput{}, putQueue(c, sc, q)
	}
	q.Counts.Received += float64(len(got))
	if err := putQueue(c, sc, q); err != nil {
		return nil, err
	}
	out := &sqs.ReceiveMessageOutput{}
	names := append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...)
	for _, m := range got {
		out.Messages = append(out.Messages, render(m, q, names, in.MessageAttributeNames))
	}
	return out, nil
}

// isSystemName tells the names ReceiveMessage's attribute lists take: the
// message system attributes, and queue attribute names, which the deprecated
// AttributeNames member also took.
func isSystemName(n string) bool {
	switch n {
	case "All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
		"SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn":
		return true
	}
	return isSettable(n) || contains(readOnly, n)
}

// render is a received message as the caller asked for it.
func render(m *message, q *Queue, sysNames, attrNames []string) types.Message {
	out := types.Message{MessageId: aws.String(m.ID), Body: aws.String(m.Body), MD5OfBody: aws.String(m.MD5Body),
		ReceiptHandle: aws.String(receipt{Queue: q.Name, Seq: m.Seq, Token: m.Receipt}.String())}
	all := contains(sysNames, "All")
	want := func(n string) bool { return all || contains(sysNames, n) }
	attrs := map[string]string{}
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	if want("SenderId") {
		attrs["SenderId"] = m.SenderID
	}
	if want("SentTimestamp") {
		attrs["SentTimestamp"] = ms(m.Sent)
	}
	if want("ApproximateReceiveCount") {
		attrs["ApproximateReceiveCount"] = strconv.Itoa(m.Receives)
	}
	if want("ApproximateFirstReceiveTimestamp") {
		attrs["ApproximateFirstReceiveTimestamp"] = ms(m.FirstReceive)
	}
	if q.fifo() {
		if want("SequenceNumber") {
			attrs["SequenceNumber"] = m.SeqNumber
		}
		if want("MessageDeduplicationId") {
			attrs["MessageDeduplicationId"] = m.DedupID
		}
	}
	if want("MessageGroupId") && m.GroupID != "" {
		attrs["MessageGroupId"] = m.GroupID
	}
	if want("AWSTraceHeader") {
		if v, ok := m.Sys["AWSTraceHeader"]; ok && v.StringValue != nil {
			attrs["AWSTraceHeader"] = *v.StringValue
		}
	}
	if want("DeadLetterQueueSourceArn") && m.Source != "" {
		attrs["DeadLetterQueueSourceArn"] = m.Source
	}
	if len(attrs) > 0 {
		out.Attributes = attrs
	}
	picked := map[string]types.MessageAttributeValue{}
	for n, v := range m.Attrs {
		for _, w := range attrNames {
			if w == "All" || w == ".*" || w == n || (strings.HasSuffix(w, ".*") && strings.HasPrefix(n, strings.TrimSuffix(w, "*"))) {
				picked[n] = v
				break
			}
		}
	}
	if len(picked) > 0 {
		out.MessageAttributes = picked
		out.MD5OfMessageAttributes = aws.String(attrsMD5(userAttrs(picked)))
	}
	return out
}

// take receives up to max messages: they become invisible for vis seconds.
// It moves messages past their receive limit to the dead-letter queue and
// drops those past retention. next is when a message next becomes visible.
func (s *Service) take(c *api.Context, q *Queue, sc store.Scope, max, vis int, now time.Time) (got []*message, next time.Time, err error) {
	items, err := Messages.List(c.Tx, sc, store.Query{Parent: q.Name})
	if err != nil {
		return nil, next, err
	}
	retention := seconds(q.intAttr("MessageRetentionPeriod"))
	limit := maxReceives(q)
	locked := map[string]bool{} // FIFO groups with a message in flight or already taken
	if q.fifo() {
		for _, it := range items {
			if it.Doc.inFlight(now) {
				locked[it.Doc.GroupID] = true
			}
		}
	}
	for _, it := range items {
		m := it.Doc
		if now.Sub(m.Sent) >= retention {
			if _, err := Messages.Delete(c.Tx, sc, it.ID); err != nil {
				return nil, next, err
			}
			continue
		}
		if !m.visible(now) {
			if next.IsZero() || m.VisibleAt.Before(next) {
				next = m.VisibleAt
			}
			if q.fifo() {
				locked[m.GroupID] = true
			}
			continue
		}
		if len(got) >= max {
			continue
		}
		if q.fifo() && locked[m.GroupID] {
			continue
		}
		if limit > 0 && m.Receives >= limit {
			moved, err := s.deadLetter(c, q, sc, it.ID, m)
			if err != nil {
				return nil, next, err
			}
			if moved {
				continue
			}
		}
		m.Receives++
		if m.FirstReceive.IsZero() {
			m.FirstReceive = now
		}
		m.VisibleAt = now.Add(seconds(vis))
		m.Receipt = api.HexID(16)
		if err := Messages.Put(c.Tx, sc, it.ID, store.Index{Parent: q.Name, Name: m.ID}, m); err != nil {
			return nil, next, err
		}
		got = append(got, m)
	}
	return got, next, nil
}

// deadLetter moves a message to the queue's dead-letter queue; false when
// that queue no longer exists.
func (s *Service) deadLetter(c *api.Context, q *Queue, sc store.Scope, id string, m *message) (bool, error) {
	region, account, name, ok := parseQueueARN(dlqTarget(q))
	if !ok {
		return false, nil
	}
	dsc := store.Scope{Account: account, Region: region}
	dlq, err := Queues.Get(c.Tx, dsc, name)
	if err != nil || dlq == nil {
		return false, err
	}
	if _, err := Messages.Delete(c.Tx, sc, id); err != nil {
		return false, err
	}
	if err := s.enqueue(c.Tx, dsc, dlq, m, queueARN(c.Region, sc.Account, q.Name), c.Now()); err != nil {
		return false, err
	}
	return true, Queues.Put(c.Tx, dsc, dlq.Name, store.Index{Name: dlq.Name, Attr: dlqTarget(dlq)}, dlq)
}

// enqueue puts an existing message at the end of another queue, visible now
// (the caller stores that queue's document).
func (s *Service) enqueue(tx *store.Tx, sc store.Scope, to *Queue, m *message, source string, now time.Time) error {
	to.Seq++
	moved := *m
	moved.Seq = to.Seq
	moved.VisibleAt = now
	moved.Receipt = ""
	moved.Source = source
	if to.fifo() && moved.SeqNumber == "" {
		moved.SeqNumber = fmt.Sprintf("%020d", now.UnixNano()/1000*1000+to.Seq%1000)
	}
	if err := Messages.Put(tx, sc, messageID(to.Name, to.Seq), store.Index{Parent: to.Name, Name: moved.ID}, &moved); err != nil {
		return err
	}
	s.waits.signal(waitKey(sc, to.Name))
	return nil
}

// findByReceipt loads the message a receipt handle names (nil when it is gone).
func findByReceipt(c *api.Context, q *Queue, sc store.Scope, handle string) (*message, string, error) {
	r, ok := parseReceipt(handle)
	if !ok || r.Queue != q.Name {
		return nil, "", errReceipt(handle)
	}
	id := messageID(q.Name, r.Seq)
	m, err := Messages.Get(c.Tx, sc, id)
	if err != nil {
		return nil, "", err
	}
	if m == nil || m.Receipt == "" {
		return nil, id, nil
	}
	if m.Receipt != r.Token && q.fifo() {
		// A FIFO queue refuses a receipt handle of an earlier receive.
		return nil, id, nil
	}
	return m, id, nil
}

func deleteMessage(c *api.Context, in *sqs.DeleteMessageInput) (*sqs.DeleteMessageOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if err := deleteOne(c, q, sc, aws.ToString(in.ReceiptHandle)); err != nil {
		return nil, err
	}
	return &sqs.DeleteMessageOutput{}, putQueue(c, sc, q)
}

func deleteOne(c *api.Context, q *Queue, sc store.Scope, handle string) error {
	m, id, err := findByReceipt(c, q, sc, handle)
	if err != nil || m == nil {
		return err
	}
	if _, err := Messages.Delete(c.Tx, sc, id); err != nil {
		return err
	}
	q.Counts.Deleted++
	return nil
}

func deleteMessageBatch(c *api.Context, in *sqs.DeleteMessageBatchInput) (*sqs.DeleteMessageBatchOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	ids := make([]*string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch("DeleteMessageBatchRequestEntry", ids); err != nil {
		return nil, err
	}
	ok, failed, err := eachEntry(in.Entries, func(e *types.DeleteMessageBatchRequestEntry) *string { return e.Id },
		func(e *types.DeleteMessageBatchRequestEntry) (types.DeleteMessageBatchResultEntry, error) {
			return types.DeleteMessageBatchResultEntry{Id: e.Id}, deleteOne(c, q, sc, aws.ToString(e.ReceiptHandle))
		})
	if err != nil {
		return nil, err
	}
	return &sqs.DeleteMessageBatchOutput{Successful: ok, Failed: failed}, putQueue(c, sc, q)
}

type changeVisibilityInput struct {
	Id                *string
	QueueUrl          *string
	ReceiptHandle     *string
	VisibilityTimeout *int32
}

func (s *Service) changeOne(c *api.Context, q *Queue, sc store.Scope, in *changeVisibilityInput) error {
	handle := aws.ToString(in.ReceiptHandle)
	n := aws.ToInt32(in.VisibilityTimeout)
	if n < 0 || n > 43200 {
		return errInvalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", n)
	}
	m, id, err := findByReceipt(c, q, sc, handle)
	if err != nil {
		return err
	}
	now := c.Now()
	if m == nil {
		return errInvalidParam("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", handle)
	}
	if !m.inFlight(now) {
		return apierror.New("AWS.SimpleQueueService.MessageNotInflight", "Message does not exist or is not available for visibility timeout change.")
	}
	m.VisibleAt = now.Add(seconds(int(n)))
	if err := Messages.Put(c.Tx, sc, id, store.Index{Parent: q.Name, Name: m.ID}, m); err != nil {
		return err
	}
	if n == 0 {
		s.waits.signal(waitKey(sc, q.Name))
	}
	return nil
}

func (s *Service) changeMessageVisibility(c *api.Context, in *changeVisibilityInput) (*sqs.ChangeMessageVisibilityOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	return &sqs.ChangeMessageVisibilityOutput{}, s.changeOne(c, q, sc, in)
}

type changeVisibilityBatchInput struct {
	Entries  []changeVisibilityInput
	QueueUrl *string
}

func (s *Service) changeMessageVisibilityBatch(c *api.Context, in *changeVisibilityBatchInput) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	ids := make([]*string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch("ChangeMessageVisibilityBatchRequestEntry", ids); err != nil {
		return nil, err
	}
	ok, failed, err := eachEntry(in.Entries, func(e *changeVisibilityInput) *string { return e.Id },
		func(e *changeVisibilityInput) (types.ChangeMessageVisibilityBatchResultEntry, error) {
			entry := *e
			if entry.VisibilityTimeout == nil {
				entry.VisibilityTimeout = aws.Int32(0)
			}
			return types.ChangeMessageVisibilityBatchResultEntry{Id: e.Id}, s.changeOne(c, q, sc, &entry)
		})
	if err != nil {
		return nil, err
	}
	return &sqs.ChangeMessageVisibilityBatchOutput{Successful: ok, Failed: failed}, nil
}
