package sqs_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

func client(ls *longshoretest.Instance) *sqs.Client { return sqs.NewFromConfig(ls.Config) }

func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out := harness.Must(c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs}))(t)
	return aws.ToString(out.QueueUrl)
}

func attributes(t *testing.T, c *sqs.Client, url string, names ...types.QueueAttributeName) map[string]string {
	t.Helper()
	if len(names) == 0 {
		names = []types.QueueAttributeName{types.QueueAttributeNameAll}
	}
	return harness.Must(c.GetQueueAttributes(harness.Ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: names}))(t).Attributes
}

// Defaults and ranges: CreateQueue's documented attribute defaults
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html);
// the queue URL has AWS's path (/<account>/<name>) on Longshore's endpoint.
func TestQueueAttributesDefaultsAndURL(t *testing.T) {
	ls := harness.Start(t)
	c := client(ls)
	url := createQueue(t, c, "orders", nil)
	if want := ls.URL + "/000000000000/orders"; url != want {
		t.Fatalf("QueueUrl %q, want %q", url, want)
	}
	a := attributes(t, c, url)
	for k, v := range map[string]string{"VisibilityTimeout": "30", "DelaySeconds": "0", "MaximumMessageSize": "262144",
		"MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0", "ApproximateNumberOfMessages": "0",
		"QueueArn": "arn:aws:sqs:us-east-1:000000000000:orders", "SqsManagedSseEnabled": "true"} {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
	if _, ok := a["FifoQueue"]; ok {
		t.Errorf("a standard queue reports FifoQueue")
	}
	// The same name with the same attributes answers the same URL; another value is refused.
	if again := createQueue(t, c, "orders", map[string]string{"VisibilityTimeout": "30"}); again != url {
		t.Errorf("second CreateQueue %q", again)
	}
	_, err := c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders"), Attributes: map[string]string{"VisibilityTimeout": "60"}})
	harness.AssertAPIError(t, err, "QueueAlreadyExists")
	_, err = c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad"), Attributes: map[string]string{"VisibilityTimeout": "43201"}})
	harness.AssertAPIError(t, err, "InvalidAttributeValue")
	_, err = c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad"), Attributes: map[string]string{"Colour": "red"}})
	harness.AssertAPIError(t, err, "InvalidAttributeName")
	_, err = c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad name")})
	harness.AssertAPIError(t, err, "InvalidParameterValue")
	_, err = c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("plain"), Attributes: map[string]string{"FifoQueue": "true"}})
	harness.AssertAPIError(t, err, "InvalidParameterValue")

	harness.Must(c.SetQueueAttributes(harness.Ctx, &sqs.SetQueueAttributesInput{QueueUrl: &url, Attributes: map[string]string{"VisibilityTimeout": "45", "DelaySeconds": "2"}}))(t)
	a = attributes(t, c, url, types.QueueAttributeNameVisibilityTimeout, types.QueueAttributeNameDelaySeconds)
	if len(a) != 2 || a["VisibilityTimeout"] != "45" || a["DelaySeconds"] != "2" {
		t.Errorf("after SetQueueAttributes: %v", a)
	}

	// The SDK's endpoint may be the queue URL itself.
	byURL := sqs.NewFromConfig(ls.Config, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) })
	got := harness.Must(byURL.GetQueueUrl(harness.Ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")}))(t)
	if !strings.HasSuffix(aws.ToString(got.QueueUrl), "/000000000000/orders") {
		t.Errorf("GetQueueUrl through the queue URL: %q", aws.ToString(got.QueueUrl))
	}

	fifo := createQueue(t, c, "jobs.fifo", map[string]string{"FifoQueue": "true"})
	a = attributes(t, c, fifo)
	if a["FifoQueue"] != "true" || a["ContentBasedDeduplication"] != "false" || a["DeduplicationScope"] != "queue" || a["FifoThroughputLimit"] != "perQueue" {
		t.Errorf("FIFO attributes %v", a)
	}
	list := harness.Must(c.ListQueues(harness.Ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("or")}))(t)
	if len(list.QueueUrls) != 1 || list.QueueUrls[0] != url {
		t.Errorf("ListQueues %v", list.QueueUrls)
	}
	page := harness.Must(c.ListQueues(harness.Ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1)}))(t)
	if len(page.QueueUrls) != 1 || page.NextToken == nil {
		t.Errorf("first page %v %v", page.QueueUrls, page.NextToken)
	}

	harness.Must(c.TagQueue(harness.Ctx, &sqs.TagQueueInput{QueueUrl: &url, Tags: map[string]string{"team": "a", "env": "dev"}}))(t)
	harness.Must(c.UntagQueue(harness.Ctx, &sqs.UntagQueueInput{QueueUrl: &url, TagKeys: []string{"env"}}))(t)
	tags := harness.Must(c.ListQueueTags(harness.Ctx, &sqs.ListQueueTagsInput{QueueUrl: &url}))(t).Tags
	if len(tags) != 1 || tags["team"] != "a" {
		t.Errorf("tags %v", tags)
	}

	harness.Must(c.AddPermission(harness.Ctx, &sqs.AddPermissionInput{QueueUrl: &url, Label: aws.String("share"),
		AWSAccountIds: []string{"111122223333"}, Actions: []string{"SendMessage"}}))(t)
	if p := attributes(t, c, url, types.QueueAttributeNamePolicy)["Policy"]; !strings.Contains(p, `"Sid":"share"`) || !strings.Contains(p, "SQS:SendMessage") {
		t.Errorf("policy %s", p)
	}
	harness.Must(c.RemovePermission(harness.Ctx, &sqs.RemovePermissionInput{QueueUrl: &url, Label: aws.String("share")}))(t)
	if p, ok := attributes(t, c, url)["Policy"]; ok {
		t.Errorf("policy after RemovePermission: %s", p)
	}

	harness.Must(c.DeleteQueue(harness.Ctx, &sqs.DeleteQueueInput{QueueUrl: &url}))(t)
	_, err = c.GetQueueAttributes(harness.Ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url})
	var missing *types.QueueDoesNotExist
	if !errors.As(err, &missing) {
		t.Fatalf("want QueueDoesNotExist, got %v", err)
	}
	// SQS's query code, carried in x-amzn-query-error (the SDK reports it as the code).
	harness.AssertAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue")
	_, err = c.CreateQueue(harness.Ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	harness.AssertAPIError(t, err, "AWS.SimpleQueueService.QueueDeletedRecently")
}

// The JSON protocol names the error shape in __type and the query code in
// x-amzn-query-error (the awsQueryCompatible trait; aws/smithy-go's awsjson
// deserializer reads X-Amzn-Query-Error; see also softwaremill/elasticmq#905,
// "Fix QueueDoesNotExist error in json protocol").
func TestJSONErrorCarriesQueryCode(t *testing.T) {
	ls := harness.Start(t)
	r := harness.Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.GetQueueUrl",
		"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x"}, `{"QueueName":"nope"}`)
	if r.Status != 400 || !strings.Contains(r.Body, `"__type":"QueueDoesNotExist"`) {
		t.Errorf("status %d body %s", r.Status, r.Body)
	}
	if h := r.Header.Get("x-amzn-query-error"); h != "AWS.SimpleQueueService.NonExistentQueue;Sender" {
		t.Errorf("x-amzn-query-error %q", h)
	}
}

// The query form (Action=..., the queue URL as the path) still works, with
// flattened Attribute.N.Name/Value entries and XML answers.
func TestQueryForm(t *testing.T) {
	ls := harness.Start(t)
	form := func(path, body string) harness.Response {
		return harness.Raw(t, ls, "POST", path, map[string]string{"Content-Type": "application/x-www-form-urlencoded",
			"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x"}, body)
	}
	r := form("/", "Action=CreateQueue&Version=2012-11-05&QueueName=legacy&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Tag.1.Key=team&Tag.1.Value=x")
	harness.Contains(t, r.Body, "<CreateQueueResult><QueueUrl>"+ls.URL+"/000000000000/legacy</QueueUrl></CreateQueueResult>")
	r = form("/000000000000/legacy", "Action=SendMessage&Version=2012-11-05&MessageBody=hello&MessageAttribute.1.Name=kind&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=greeting")
	harness.Contains(t, r.Body, "<MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody>")
	r = form("/000000000000/legacy", "Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=VisibilityTimeout&AttributeName.2=ApproximateNumberOfMessages")
	harness.Contains(t, r.Body, "<Attribute><Name>ApproximateNumberOfMessages</Name><Value>1</Value></Attribute>")
	harness.Contains(t, r.Body, "<Attribute><Name>VisibilityTimeout</Name><Value>40</Value></Attribute>")
	r = form("/000000000000/legacy", "Action=ReceiveMessage&Version=2012-11-05&MessageAttributeName.1=All&AttributeName.1=ApproximateReceiveCount")
	harness.Contains(t, r.Body, "<ReceiveMessageResult><Message>")
	harness.Contains(t, r.Body, "<Body>hello</Body>")
	harness.Contains(t, r.Body, "<MessageAttribute><Name>kind</Name><Value><DataType>String</DataType><StringValue>greeting</StringValue></Value></MessageAttribute>")
	harness.Contains(t, r.Body, "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>")
	r = form("/", "Action=ListQueues&Version=2012-11-05")
	harness.Contains(t, r.Body, "<ListQueuesResult><QueueUrl>"+ls.URL+"/000000000000/legacy</QueueUrl></ListQueuesResult>")
	r = form("/000000000000/missing", "Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=All")
	if r.Status != 400 {
		t.Errorf("status %d", r.Status)
	}
	harness.Contains(t, r.Body, "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>")
	harness.Contains(t, r.Body, "<Type>Sender</Type>")
	_ = strconv.Itoa
}
