package sqs

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Queue is a stored queue.
type Queue struct {
	Name string
	// Attributes are the settable attributes, AWS's defaults filled in.
	Attributes map[string]string
	Tags       map[string]string `json:",omitempty"`
	// Created and Modified are Unix seconds.
	Created, Modified int64
	// Seq numbers the queue's messages in send order.
	Seq int64
	// PurgedAt is the last PurgeQueue (one per 60 seconds).
	PurgedAt time.Time `json:",omitempty"`
	// Dedup maps a FIFO deduplication id to the message it admitted, for five minutes.
	Dedup map[string]dedup `json:",omitempty"`
	// Counts are what happened since metrics were last published.
	Counts counts
}

type dedup struct {
	MessageID string
	Seq       string
	Until     time.Time
}

// counts are the queue's activity metrics since their last publication.
type counts struct {
	Sent, Received, Deleted, EmptyReceives, SentBytes float64
}

func (q *Queue) fifo() bool { return q.Attributes["FifoQueue"] == "true" }

func (q *Queue) intAttr(name string) int {
	n, _ := strconv.Atoi(q.Attributes[name])
	return n
}

var (
	// Queues: id = queue name, Name = queue name, Attr = the dead-letter target ARN.
	Queues = store.Collection[Queue]{Kind: "sqs/queue"}
	// deleted: id = queue name; when it was deleted, for QueueDeletedRecently.
	deleted = store.Collection[time.Time]{Kind: "sqs/deleted-queue"}
)

// intAttrNames are the integer attributes.
var intAttrNames = []string{"DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
	"ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "KmsDataKeyReusePeriodSeconds"}

// intRange is an integer attribute's minimum, maximum and default.
func intRange(name string) ([3]int, bool) {
	switch name {
	case "DelaySeconds":
		return [3]int{0, 900, 0}, true
	case "MaximumMessageSize":
		return [3]int{1024, 1048576, 262144}, true
	case "MessageRetentionPeriod":
		return [3]int{60, 1209600, 345600}, true
	case "ReceiveMessageWaitTimeSeconds":
		return [3]int{0, 20, 0}, true
	case "VisibilityTimeout":
		return [3]int{0, 43200, 30}, true
	case "KmsDataKeyReusePeriodSeconds":
		return [3]int{60, 86400, 300}, true
	}
	return [3]int{}, false
}

// isSettable tells the attributes CreateQueue and SetQueueAttributes take.
func isSettable(name string) bool {
	if _, ok := intRange(name); ok {
		return true
	}
	switch name {
	case "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled":
		return true
	}
	return isFifoOnly(name)
}

// isFifoOnly tells the attributes only FIFO queues have.
func isFifoOnly(name string) bool {
	switch name {
	case "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit":
		return true
	}
	return false
}

var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func errUnknownAttr(name string) error {
	return apierror.New("InvalidAttributeName", "Unknown Attribute %s.", name)
}

// checkAttributes validates attributes for a queue (fifo tells its type).
func checkAttributes(c *api.Context, attrs map[string]string, fifo bool, creating bool) error {
	for k, v := range attrs {
		if !isSettable(k) || (isFifoOnly(k) && !fifo) {
			return errUnknownAttr(k)
		}
		if r, ok := intRange(k); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < r[0] || n > r[1] {
				return errAttrValue(k)
			}
			continue
		}
		switch k {
		case "FifoQueue":
			if !creating {
				return errAttrValue(k)
			}
			if v != "true" {
				return errAttrValue(k)
			}
		case "ContentBasedDeduplication", "SqsManagedSseEnabled":
			if v != "true" && v != "false" {
				return errAttrValue(k)
			}
		case "DeduplicationScope":
			if v != "messageGroup" && v != "queue" {
				return errAttrValue(k)
			}
		case "FifoThroughputLimit":
			if v != "perQueue" && v != "perMessageGroupId" {
				return errAttrValue(k)
			}
		case "Policy", "RedriveAllowPolicy":
			if v != "" && !json.Valid([]byte(v)) {
				return errAttrValue(k)
			}
		case "RedrivePolicy":
			if v == "" {
				continue
			}
			if _, _, err := parseRedrive(c, v, fifo); err != nil {
				return err
			}
		}
	}
	if fifo && attrs["FifoThroughputLimit"] == "perMessageGroupId" && attrs["DeduplicationScope"] == "queue" {
		return errInvalidParam("The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup")
	}
	return nil
}

// parseRedrive reads a RedrivePolicy and checks its dead-letter queue.
func parseRedrive(c *api.Context, v string, fifo bool) (target string, maxReceives int, err error) {
	var p struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     any    `json:"maxReceiveCount"`
	}
	bad := func(reason string) error {
		return apierror.New("InvalidParameterValue", "Value %s for parameter RedrivePolicy is invalid. Reason: %s", v, reason)
	}
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return "", 0, bad("Redrive policy is not a valid JSON map.")
	}
	switch n := p.MaxReceiveCount.(type) {
	case float64:
		maxReceives = int(n)
	case string:
		maxReceives, _ = strconv.Atoi(n)
	}
	if p.DeadLetterTargetArn == "" {
		return "", 0, bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	if p.MaxReceiveCount == nil {
		return "", 0, bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	if maxReceives < 1 || maxReceives > 1000 {
		return "", 0, bad("Invalid value for maxReceiveCount: " + strconv.Itoa(maxReceives) + ", valid values are from 1 to 1000 both inclusive.")
	}
	region, account, name, ok := parseQueueARN(p.DeadLetterTargetArn)
	if !ok || region != c.Region {
		return "", 0, bad("Dead letter target does not exist.")
	}
	dlq, err := Queues.Get(c.Tx, store.Scope{Account: account, Region: region}, name)
	if err != nil {
		return "", 0, err
	}
	if dlq == nil {
		return "", 0, bad("Dead letter target does not exist.")
	}
	if dlq.fifo() != fifo {
		return "", 0, bad("Dead-letter queue must be same type of queue as the source.")
	}
	return p.DeadLetterTargetArn, maxReceives, nil
}

func dlqTarget(q *Queue) string {
	if v := q.Attributes["RedrivePolicy"]; v != "" {
		var p struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		json.Unmarshal([]byte(v), &p)
		return p.DeadLetterTargetArn
	}
	return ""
}

func maxReceives(q *Queue) int {
	var p struct {
		MaxReceiveCount any `json:"maxReceiveCount"`
	}
	json.Unmarshal([]byte(q.Attributes["RedrivePolicy"]), &p)
	switch n := p.MaxReceiveCount.(type) {
	case float64:
		return int(n)
	case string:
		m, _ := strconv.Atoi(n)
		return m
	}
	return 0
}

func putQueue(c *api.Context, sc store.Scope, q *Queue) error {
	return Queues.Put(c.Tx, sc, q.Name, store.Index{Name: q.Name, Attr: dlqTarget(q)}, q)
}

// defaults are a new queue's attributes before the caller's.
func defaults(fifo bool) map[string]string {
	a := map[string]string{"SqsManagedSseEnabled": "true"}
	for _, k := range intAttrNames {
		if r, _ := intRange(k); k != "KmsDataKeyReusePeriodSeconds" {
			a[k] = strconv.Itoa(r[2])
		}
	}
	if fifo {
		a["FifoQueue"] = "true"
		a["ContentBasedDeduplication"] = "false"
		a["DeduplicationScope"] = "queue"
		a["FifoThroughputLimit"] = "perQueue"
	}
	return a
}

// normalize writes integer attributes as AWS reports them.
func normalize(attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		if _, ok := intRange(k); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			v = strconv.Itoa(n)
		}
		out[k] = v
	}
	return out
}

func applyAttributes(q *Queue, attrs map[string]string) {
	for k, v := range normalize(attrs) {
		if v == "" && (k == "Policy" || k == "RedrivePolicy" || k == "RedriveAllowPolicy" || k == "KmsMasterKeyId") {
			delete(q.Attributes, k)
			continue
		}
		q.Attributes[k] = v
		if k == "KmsMasterKeyId" {
			q.Attributes["SqsManagedSseEnabled"] = "false"
			if _, ok := q.Attributes["KmsDataKeyReusePeriodSeconds"]; !ok {
				q.Attributes["KmsDataKeyReusePeriodSeconds"] = "300"
			}
		}
	}
}

func createQueue(c *api.Context, in *sqs.CreateQueueInput) (*sqs.CreateQueueOutput, error) {
	name := aws.ToString(in.QueueName)
	fifo := in.Attributes["FifoQueue"] == "true"
	if strings.HasSuffix(name, ".fifo") {
		if !fifo {
			if v, ok := in.Attributes["FifoQueue"]; ok && v != "true" {
				return nil, errAttrValue("FifoQueue")
			}
			return nil, errInvalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		if len(name) > 80 || !queueName.MatchString(strings.TrimSuffix(name, ".fifo")) {
			return nil, errInvalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
	} else if fifo {
		return nil, errInvalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	} else if !queueName.MatchString(name) {
		return nil, errInvalidParam("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if err := checkAttributes(c, in.Attributes, fifo, true); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	sc := c.Scope()
	url := queueURL(c, sc.Account, name)
	q, err := Queues.Get(c.Tx, sc, name)
	if err != nil {
		return nil, err
	}
	if q != nil {
		for k, v := range normalize(in.Attributes) {
			if q.Attributes[k] != v {
				return nil, apierror.New("QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute %s", k)
			}
		}
		return &sqs.CreateQueueOutput{QueueUrl: &url}, nil
	}
	if t, err := deleted.Get(c.Tx, sc, name); err != nil {
		return nil, err
	} else if t != nil && c.Now().Sub(*t) < time.Minute {
		return nil, apierror.New("AWS.SimpleQueueService.QueueDeletedRecently",
			"You must wait 60 seconds after deleting a queue before you can create another with the same name.")
	}
	now := c.Now().Unix()
	q = &Queue{Name: name, Attributes: defaults(fifo), Tags: in.Tags, Created: now, Modified: now}
	applyAttributes(q, in.Attributes)
	if err := putQueue(c, sc, q); err != nil {
		return nil, err
	}
	return &sqs.CreateQueueOutput{QueueUrl: &url}, nil
}

// getQueue loads the queue a URL names; queues of other accounts are not shared.
func getQueue(c *api.Context, rawURL *string) (*Queue, store.Scope, error) {
	ref, ok := parseQueueURL(aws.ToString(rawURL))
	if !ok {
		if aws.ToString(rawURL) == "" {
			return nil, store.Scope{}, apierror.New("MissingParameter", "The request must contain the parameter QueueUrl.")
		}
		return nil, store.Scope{}, errNoQueue()
	}
	sc := store.Scope{Account: ref.Account, Region: c.Region}
	if ref.Account != c.Account() && !isAccount(ref.Account) {
		sc.Account = c.Account()
	}
	q, err := Queues.Get(c.Tx, sc, ref.Name)
	if err != nil {
		return nil, sc, err
	}
	if q == nil {
		return nil, sc, errNoQueue()
	}
	return q, sc, nil
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Service) deleteQueue(c *api.Context, in *sqs.DeleteQueueInput) (*sqs.DeleteQueueOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	msgs, err := Messages.List(c.Tx, sc, store.Query{Parent: q.Name})
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if _, err := Messages.Delete(c.Tx, sc, m.ID); err != nil {
			return nil, err
		}
	}
	if _, err := Queues.Delete(c.Tx, sc, q.Name); err != nil {
		return nil, err
	}
	now := c.Now()
	if err := deleted.Put(c.Tx, sc, q.Name, store.Index{Name: q.Name}, &now); err != nil {
		return nil, err
	}
	s.waits.signal(waitKey(sc, q.Name))
	return &sqs.DeleteQueueOutput{}, nil
}

func getQueueURL(c *api.Context, in *sqs.GetQueueUrlInput) (*sqs.GetQueueUrlOutput, error) {
	sc := c.Scope()
	if o := aws.ToString(in.QueueOwnerAWSAccountId); o != "" {
		sc.Account = o
	}
	q, err := Queues.Get(c.Tx, sc, aws.ToString(in.QueueName))
	if err != nil {
		return nil, err
	}
	if q == nil {
		return nil, errNoQueue()
	}
	url := queueURL(c, sc.Account, q.Name)
	return &sqs.GetQueueUrlOutput{QueueUrl: &url}, nil
}

func pageSize(max *int32, token *string) (int, error) {
	if max == nil {
		if aws.ToString(token) != "" {
			return 0, errInvalidParam("MaxResults is a mandatory parameter when you provide a value for NextToken.")
		}
		return 1000, nil
	}
	if *max < 1 || *max > 1000 {
		return 0, errInvalidParam("Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
	}
	return int(*max), nil
}

var badToken = apierror.New("InvalidParameterValue", "Invalid NextToken value.")

func listQueues(c *api.Context, in *sqs.ListQueuesInput) (*sqs.ListQueuesOutput, error) {
	n, err := pageSize(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	prefix := aws.ToString(in.QueueNamePrefix)
	page, next, err := api.Paginate(c.Tx, c.Scope(), Queues, store.Query{NamePrefix: prefix},
		api.Paging{Listing: "ListQueues/" + prefix, Token: in.NextToken, Size: n, BadToken: badToken}, nil)
	if err != nil {
		return nil, err
	}
	out := &sqs.ListQueuesOutput{}
	for _, q := range page {
		out.QueueUrls = append(out.QueueUrls, queueURL(c, c.Account(), q.Name))
	}
	if in.MaxResults != nil {
		out.NextToken = next
	}
	return out, nil
}

func listDeadLetterSourceQueues(c *api.Context, in *sqs.ListDeadLetterSourceQueuesInput) (*sqs.ListDeadLetterSourceQueuesOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	arn := queueARN(c.Region, sc.Account, q.Name)
	page, next, err := api.Paginate(c.Tx, sc, Queues, store.Query{Attr: arn},
		api.Paging{Listing: "ListDeadLetterSourceQueues/" + arn, Token: in.NextToken, Size: n, BadToken: badToken}, nil)
	if err != nil {
		return nil, err
	}
	out := &sqs.ListDeadLetterSourceQueuesOutput{QueueUrls: []string{}}
	for _, src := range page {
		out.QueueUrls = append(out.QueueUrls, queueURL(c, sc.Account, src.Name))
	}
	if in.MaxResults != nil {
		out.NextToken = next
	}
	return out, nil
}

// allAttributes are the names GetQueueAttributes knows, "All" aside.
var readOnly = []string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
	"CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"}

func getQueueAttributes(c *api.Context, in *sqs.GetQueueAttributesInput) (*sqs.GetQueueAttributesOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	all := false
	for _, n := range in.AttributeNames {
		name := string(n)
		switch {
		case name == "All":
			all = true
		case isSettable(name) || contains(readOnly, name):
			if isFifoOnly(name) && !q.fifo() {
				return nil, errUnknownAttr(name)
			}
			want[name] = true
		default:
			return nil, errUnknownAttr(name)
		}
	}
	if !all && len(want) == 0 {
		return &sqs.GetQueueAttributesOutput{}, nil
	}
	st, err := queueStats(c.Tx, sc, q, c.Now())
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	for k, v := range q.Attributes {
		values[k] = v
	}
	values["ApproximateNumberOfMessages"] = strconv.Itoa(st.Visible)
	values["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(st.NotVisible)
	values["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(st.Delayed)
	values["CreatedTimestamp"] = strconv.FormatInt(q.Created, 10)
	values["LastModifiedTimestamp"] = strconv.FormatInt(q.Modified, 10)
	values["QueueArn"] = queueARN(c.Region, sc.Account, q.Name)
	out := map[string]string{}
	for k, v := range values {
		if all || want[k] {
			out[k] = v
		}
	}
	return &sqs.GetQueueAttributesOutput{Attributes: out}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Service) setQueueAttributes(c *api.Context, in *sqs.SetQueueAttributesInput) (*sqs.SetQueueAttributesOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	for k := range in.Attributes {
		if k == "FifoQueue" {
			return nil, errAttrValue(k)
		}
	}
	if err := checkAttributes(c, in.Attributes, q.fifo(), false); err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for k, v := range q.Attributes {
		merged[k] = v
	}
	for k, v := range in.Attributes {
		merged[k] = v
	}
	if err := checkAttributes(c, map[string]string{"FifoThroughputLimit": merged["FifoThroughputLimit"], "DeduplicationScope": merged["DeduplicationScope"]}, q.fifo(), false); err != nil && q.fifo() {
		return nil, err
	}
	applyAttributes(q, in.Attributes)
	q.Modified = c.Now().Unix()
	if err := putQueue(c, sc, q); err != nil {
		return nil, err
	}
	// A shorter delay or wait may make messages receivable sooner.
	s.waits.signal(waitKey(sc, q.Name))
	return &sqs.SetQueueAttributesOutput{}, nil
}

func purgeQueue(c *api.Context, in *sqs.PurgeQueueInput) (*sqs.PurgeQueueOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if !q.PurgedAt.IsZero() && c.Now().Sub(q.PurgedAt) < time.Minute {
		return nil, apierror.New("AWS.SimpleQueueService.PurgeQueueInProgress",
			"Only one PurgeQueue operation on %s is allowed every 60 seconds.", q.Name)
	}
	msgs, err := Messages.List(c.Tx, sc, store.Query{Parent: q.Name})
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if _, err := Messages.Delete(c.Tx, sc, m.ID); err != nil {
			return nil, err
		}
	}
	q.PurgedAt = c.Now()
	return &sqs.PurgeQueueOutput{}, putQueue(c, sc, q)
}

func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return errInvalidParam("Too many tags added for queue. Maximum allowed is 50.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return errInvalidParam("Tag keys must be between 1 and 128 characters and values at most 256 characters.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errInvalidParam("Tag keys prefixed with aws: are reserved for AWS use.")
		}
	}
	return nil
}

func tagQueue(c *api.Context, in *sqs.TagQueueInput) (*sqs.TagQueueOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errInvalidParam("The request must contain at least one tag.")
	}
	merged := map[string]string{}
	for k, v := range q.Tags {
		merged[k] = v
	}
	for k, v := range in.Tags {
		merged[k] = v
	}
	if err := checkTags(merged); err != nil {
		return nil, err
	}
	q.Tags = merged
	return &sqs.TagQueueOutput{}, putQueue(c, sc, q)
}

func untagQueue(c *api.Context, in *sqs.UntagQueueInput) (*sqs.UntagQueueOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, errInvalidParam("The request must contain at least one tag key.")
	}
	for _, k := range in.TagKeys {
		delete(q.Tags, k)
	}
	return &sqs.UntagQueueOutput{}, putQueue(c, sc, q)
}

func listQueueTags(c *api.Context, in *sqs.ListQueueTagsInput) (*sqs.ListQueueTagsOutput, error) {
	q, _, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	return &sqs.ListQueueTagsOutput{Tags: q.Tags}, nil
}

// policyDoc is a queue policy as AddPermission writes it.
type policyDoc struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

var permissionActions = []string{"*", "SendMessage", "ReceiveMessage", "DeleteMessage",
	"ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues",
	"PurgeQueue", "ListQueueTags", "ListMessageMoveTasks", "StartMessageMoveTask", "CancelMessageMoveTask"}

func addPermission(c *api.Context, in *sqs.AddPermissionInput) (*sqs.AddPermissionOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	label := aws.ToString(in.Label)
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`).MatchString(label) {
		return nil, errInvalidParam("Value %s for parameter Label is invalid. Reason: Must be shorter than 80 characters and only alphanumeric characters, hyphens or underscores are allowed.", label)
	}
	if len(in.AWSAccountIds) == 0 {
		return nil, apierror.New("MissingParameter", "The request must contain the parameter AWSAccountIds.")
	}
	if len(in.Actions) == 0 {
		return nil, apierror.New("MissingParameter", "The request must contain the parameter Actions.")
	}
	var actions []string
	for _, a := range in.Actions {
		if !contains(permissionActions, a) {
			return nil, errInvalidParam("Value SQS:%s for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.", a)
		}
		actions = append(actions, "SQS:"+a)
	}
	arn := queueARN(c.Region, sc.Account, q.Name)
	doc := policyDoc{Version: "2012-10-17", ID: arn + "/SQSDefaultPolicy"}
	if p := q.Attributes["Policy"]; p != "" {
		json.Unmarshal([]byte(p), &doc)
	}
	for _, st := range doc.Statement {
		var sid struct{ Sid string }
		json.Unmarshal(st, &sid)
		if sid.Sid == label {
			return nil, errInvalidParam("Value %s for parameter Label is invalid. Reason: Already exists.", label)
		}
	}
	var principals []string
	for _, a := range in.AWSAccountIds {
		principals = append(principals, c.ARNPrefix()+"iam::"+a+":root")
	}
	sort.Strings(principals)
	var principal, action any = principals, actions
	if len(principals) == 1 {
		principal = principals[0]
	}
	if len(actions) == 1 {
		action = actions[0]
	}
	st, _ := json.Marshal(map[string]any{"Sid": label, "Effect": "Allow", "Principal": map[string]any{"AWS": principal},
		"Action": action, "Resource": arn})
	doc.Statement = append(doc.Statement, st)
	b, _ := json.Marshal(doc)
	q.Attributes["Policy"] = string(b)
	q.Modified = c.Now().Unix()
	return &sqs.AddPermissionOutput{}, putQueue(c, sc, q)
}

func removePermission(c *api.Context, in *sqs.RemovePermissionInput) (*sqs.RemovePermissionOutput, error) {
	q, sc, err := getQueue(c, in.QueueUrl)
	if err != nil {
		return nil, err
	}
	label := aws.ToString(in.Label)
	var doc policyDoc
	json.Unmarshal([]byte(q.Attributes["Policy"]), &doc)
	kept := doc.Statement[:0]
	found := false
	for _, st := range doc.Statement {
		var sid struct{ Sid string }
		json.Unmarshal(st, &sid)
		if sid.Sid == label {
			found = true
			continue
		}
		kept = append(kept, st)
	}
	if !found {
		return nil, errInvalidParam("Value %s for parameter Label is invalid. Reason: can't find label on existing policy.", label)
	}
	doc.Statement = kept
	if len(kept) == 0 {
		delete(q.Attributes, "Policy")
	} else {
		b, _ := json.Marshal(doc)
		q.Attributes["Policy"] = string(b)
	}
	q.Modified = c.Now().Unix()
	return &sqs.RemovePermissionOutput{}, putQueue(c, sc, q)
}

var _ = types.QueueAttributeNameAll
