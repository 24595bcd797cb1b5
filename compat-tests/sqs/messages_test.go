package sqs_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// Send, receive, visibility and delete; the SDK checks MD5OfBody and
// MD5OfMessageAttributes of every answer (its checksum middleware).
func TestSendReceiveDeleteAndVisibility(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	url := createQueue(t, c, "work", nil)
	sent := harness.Must(c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("hello"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"kind":  {DataType: aws.String("String"), StringValue: aws.String("greeting")},
			"n":     {DataType: aws.String("Number"), StringValue: aws.String("7")},
			"bytes": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
		}}))(t)
	if aws.ToString(sent.MD5OfMessageBody) != "5d41402abc4b2a76b9719d911017c592" {
		t.Errorf("MD5OfMessageBody %s", aws.ToString(sent.MD5OfMessageBody))
	}
	got := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, VisibilityTimeout: 1,
		MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}}))(t)
	if len(got.Messages) != 1 {
		t.Fatalf("received %d", len(got.Messages))
	}
	m := got.Messages[0]
	if aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) || aws.ToString(m.Body) != "hello" || len(m.MessageAttributes) != 3 {
		t.Errorf("message %+v", m)
	}
	if m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SentTimestamp"] == "" {
		t.Errorf("system attributes %v", m.Attributes)
	}
	a := attributes(t, c, url)
	if a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "1" {
		t.Errorf("counts while in flight: %v", a)
	}
	// Invisible until the visibility timeout ends, then received again.
	if again := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url}))(t); len(again.Messages) != 0 {
		t.Fatalf("an in-flight message was received again")
	}
	var second types.Message
	harness.Eventually(t, 10*time.Second, "the message to come back", func() (bool, string) {
		r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}}))(t)
		if len(r.Messages) == 0 {
			return false, "nothing"
		}
		second = r.Messages[0]
		return true, ""
	})
	if second.Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("receive count %v", second.Attributes)
	}
	_, err := c.ChangeMessageVisibility(harness.Ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &url, ReceiptHandle: second.ReceiptHandle, VisibilityTimeout: 43201})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = c.DeleteMessage(harness.Ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: aws.String("not-a-handle")})
	harness.AssertAPIError(t, err, "ReceiptHandleIsInvalid")
	harness.Must(c.DeleteMessage(harness.Ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: second.ReceiptHandle}))(t)
	a = attributes(t, c, url)
	if a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("counts after delete: %v", a)
	}

	// Delay: a delayed message counts as delayed, then becomes receivable.
	harness.Must(c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("later"), DelaySeconds: 1}))(t)
	if a := attributes(t, c, url); a["ApproximateNumberOfMessagesDelayed"] != "1" {
		t.Errorf("delayed count %v", a)
	}
	r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 5}))(t)
	if len(r.Messages) != 1 || aws.ToString(r.Messages[0].Body) != "later" {
		t.Errorf("a long poll did not wait for the delayed message: %v", r.Messages)
	}
}

// Batch operations answer per entry: a bad entry fails alone.
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html)
func TestBatches(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	url := createQueue(t, c, "batch", nil)
	out := harness.Must(c.SendMessageBatch(harness.Ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("one")},
		{Id: aws.String("b"), MessageBody: aws.String("two"), DelaySeconds: 901},
		{Id: aws.String("c"), MessageBody: aws.String("three")},
	}}))(t)
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "b" ||
		aws.ToString(out.Failed[0].Code) != "InvalidParameterValue" || !out.Failed[0].SenderFault {
		t.Errorf("batch result %+v", out)
	}
	_, err := c.SendMessageBatch(harness.Ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("x"), MessageBody: aws.String("1")}, {Id: aws.String("x"), MessageBody: aws.String("2")}}})
	harness.AssertAPIError(t, err, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
	var many []types.SendMessageBatchRequestEntry
	for i := range 11 {
		many = append(many, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String("m")})
	}
	_, err = c.SendMessageBatch(harness.Ctx, &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: many})
	harness.AssertAPIError(t, err, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
	// The SDK refuses an empty batch itself; sent by hand, SQS names it.
	empty := sqsJSON(t, ls, "DeleteMessageBatch", `{"QueueUrl":"`+url+`","Entries":[]}`)
	if empty.Status != 400 || empty.Header.Get("x-amzn-query-error") != "AWS.SimpleQueueService.EmptyBatchRequest;Sender" {
		t.Errorf("empty batch: %d %v %s", empty.Status, empty.Header, empty.Body)
	}

	r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10}))(t)
	if len(r.Messages) != 2 {
		t.Fatalf("received %d", len(r.Messages))
	}
	cv := harness.Must(c.ChangeMessageVisibilityBatch(harness.Ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: &url, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("ok"), ReceiptHandle: r.Messages[0].ReceiptHandle, VisibilityTimeout: 60},
		{Id: aws.String("bad"), ReceiptHandle: aws.String("junk"), VisibilityTimeout: 60},
	}}))(t)
	if len(cv.Successful) != 1 || len(cv.Failed) != 1 || aws.ToString(cv.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Errorf("visibility batch %+v", cv)
	}
	del := harness.Must(c.DeleteMessageBatch(harness.Ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("1"), ReceiptHandle: r.Messages[0].ReceiptHandle}, {Id: aws.String("2"), ReceiptHandle: r.Messages[1].ReceiptHandle},
	}}))(t)
	if len(del.Successful) != 2 || len(del.Failed) != 0 {
		t.Errorf("delete batch %+v", del)
	}
}

// A long poll waits without blocking other requests and returns as soon as
// a message is sent; with nothing sent it answers empty after the wait.
func TestLongPolling(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	url := createQueue(t, c, "poll", map[string]string{"ReceiveMessageWaitTimeSeconds": "20"})
	type result struct {
		n   int
		err error
		d   time.Duration
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		r, err := c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url})
		n := 0
		if r != nil {
			n = len(r.Messages)
		}
		done <- result{n, err, time.Since(start)}
	}()
	// Other requests, writes included, go on while the poll waits.
	for i := range 3 {
		createQueue(t, c, fmt.Sprintf("other-%d", i), nil)
	}
	harness.Must(c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("wake")}))(t)
	select {
	case r := <-done:
		if r.err != nil || r.n != 1 {
			t.Fatalf("long poll: %d messages, %v", r.n, r.err)
		}
		if r.d > 15*time.Second {
			t.Errorf("the poll waited %v after the send", r.d)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("the long poll did not return")
	}
	start = time.Now()
	r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 1}))(t)
	if len(r.Messages) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("empty poll: %d messages after %v", len(r.Messages), time.Since(start))
	}
}

// FIFO: order within a group, one group's next message held while one is
// in flight, and deduplication within five minutes.
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html)
func TestFIFO(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	url := createQueue(t, c, "orders.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	send := func(group, body string) *sqs.SendMessageOutput {
		return harness.Must(c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(body), MessageGroupId: aws.String(group)}))(t)
	}
	first := send("g1", "a1")
	send("g1", "a2")
	send("g2", "b1")
	if dup := send("g1", "a1"); aws.ToString(dup.MessageId) != aws.ToString(first.MessageId) {
		t.Errorf("a duplicate got a new id")
	}
	if aws.ToString(first.SequenceNumber) == "" {
		t.Errorf("no sequence number")
	}
	_, err := c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")})
	harness.AssertAPIError(t, err, "MissingParameter")
	_, err = c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x"), MessageGroupId: aws.String("g"), DelaySeconds: 5})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 1}))(t)
	if len(r.Messages) != 1 || aws.ToString(r.Messages[0].Body) != "a1" {
		t.Fatalf("first receive %v", r.Messages)
	}
	// g1 is locked while a1 is in flight: only g2's message comes next.
	r2 := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10}))(t)
	if len(r2.Messages) != 1 || aws.ToString(r2.Messages[0].Body) != "b1" {
		t.Fatalf("second receive %v", r2.Messages)
	}
	harness.Must(c.DeleteMessage(harness.Ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: r.Messages[0].ReceiptHandle}))(t)
	r3 := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10}))(t)
	if len(r3.Messages) != 1 || aws.ToString(r3.Messages[0].Body) != "a2" {
		t.Fatalf("third receive %v", r3.Messages)
	}
}

// A message received more than maxReceiveCount times moves to the
// dead-letter queue; a move task takes it back to its source.
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html)
func TestDeadLetterQueueAndRedrive(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	dlq := createQueue(t, c, "dead", nil)
	dlqArn := attributes(t, c, dlq)["QueueArn"]
	_, err := c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("src"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":"2"}`}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	src := createQueue(t, c, "src", map[string]string{"VisibilityTimeout": "0",
		"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":2}`, dlqArn)})
	srcArn := attributes(t, c, src)["QueueArn"]
	harness.Must(c.SendMessage(harness.Ctx, &sqs.SendMessageInput{QueueUrl: &src, MessageBody: aws.String("poison")}))(t)
	for i := range 2 {
		r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &src}))(t)
		if len(r.Messages) != 1 {
			t.Fatalf("receive %d: %d messages", i+1, len(r.Messages))
		}
	}
	if r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &src}))(t); len(r.Messages) != 0 {
		t.Fatalf("a message past maxReceiveCount was delivered again")
	}
	r := harness.Must(c.ReceiveMessage(harness.Ctx, &sqs.ReceiveMessageInput{QueueUrl: &dlq,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}}))(t)
	if len(r.Messages) != 1 || aws.ToString(r.Messages[0].Body) != "poison" || r.Messages[0].Attributes["DeadLetterQueueSourceArn"] != srcArn {
		t.Fatalf("dead-letter queue: %+v", r.Messages)
	}
	// Released at once, so that the redrive can move it.
	harness.Must(c.ChangeMessageVisibility(harness.Ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &dlq, ReceiptHandle: r.Messages[0].ReceiptHandle, VisibilityTimeout: 0}))(t)
	sources := harness.Must(c.ListDeadLetterSourceQueues(harness.Ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: &dlq}))(t)
	if len(sources.QueueUrls) != 1 || sources.QueueUrls[0] != src {
		t.Errorf("dead-letter sources %v", sources.QueueUrls)
	}
	_, err = c.StartMessageMoveTask(harness.Ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(srcArn)})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	task := harness.Must(c.StartMessageMoveTask(harness.Ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn)}))(t)
	if aws.ToString(task.TaskHandle) == "" {
		t.Fatal("no task handle")
	}
	harness.Eventually(t, 20*time.Second, "the move task to complete", func() (bool, string) {
		l := harness.Must(c.ListMessageMoveTasks(harness.Ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqArn)}))(t)
		if len(l.Results) != 1 {
			return false, fmt.Sprintf("%d tasks", len(l.Results))
		}
		e := l.Results[0]
		return aws.ToString(e.Status) == "COMPLETED" && e.ApproximateNumberOfMessagesMoved == 1, aws.ToString(e.Status)
	})
	if a := attributes(t, c, src); a["ApproximateNumberOfMessages"] != "1" {
		t.Errorf("source after redrive: %v", a)
	}
	_, err = c.CancelMessageMoveTask(harness.Ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: task.TaskHandle})
	harness.AssertAPIError(t, err, "AWS.SimpleQueueService.UnsupportedOperation")
}

// Health reports every SQS operation implemented.
func TestHealthReportsAllOperations(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "GET", "/_longshore/health", nil, "")
	var h struct {
		Services map[string]struct{ Operations, Implemented int }
	}
	if err := json.Unmarshal([]byte(r.Body), &h); err != nil {
		t.Fatal(err)
	}
	if s := h.Services["sqs"]; s.Operations != 23 || s.Implemented != 23 {
		t.Errorf("sqs %d/%d", s.Implemented, s.Operations)
	}
}

// sqsJSON sends a hand-made awsJson1_0 request to SQS.
func sqsJSON(t *testing.T, ls *longshoretest.Instance, op, body string) harness.Response {
	return harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + op,
		"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x"}, body)
}
