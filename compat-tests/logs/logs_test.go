package logs_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestLogGroupsLifecycle(t *testing.T) {
	ls := harness.Start(t)
	client := cwl.NewFromConfig(ls.Config)
	ctx := harness.Ctx
	for i := 0; i < 7; i++ {
		_, err := client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(fmt.Sprintf("/ecs/app-%d", i)),
			Tags: map[string]string{"team": "web"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/app-0")})
	harness.AssertAPIError(t, err, "ResourceAlreadyExistsException")
	_, err = client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("bad name!")})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	// The SDK's paginator walks every page in name order.
	var names []string
	p := cwl.NewDescribeLogGroupsPaginator(client, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/"), Limit: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.LogGroups) > 3 {
			t.Fatalf("page of %d", len(page.LogGroups))
		}
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
	}
	if len(names) != 7 || names[0] != "/ecs/app-0" || names[6] != "/ecs/app-6" {
		t.Fatalf("groups %v", names)
	}

	out, err := client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/app-3")})
	if err != nil || len(out.LogGroups) != 1 {
		t.Fatalf("%v %v", out, err)
	}
	g := out.LogGroups[0]
	if aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app-3:*" ||
		aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/app-3" || g.LogGroupClass != types.LogGroupClassStandard {
		t.Errorf("group %+v", g)
	}

	if _, err := client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g.LogGroupName, RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g.LogGroupName, RetentionInDays: aws.Int32(2)})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	out, _ = client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/app-3")})
	if aws.ToInt32(out.LogGroups[0].RetentionInDays) != 7 {
		t.Errorf("retention %v", out.LogGroups[0].RetentionInDays)
	}
	client.DeleteRetentionPolicy(ctx, &cwl.DeleteRetentionPolicyInput{LogGroupName: g.LogGroupName})
	out, _ = client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/app-3")})
	if out.LogGroups[0].RetentionInDays != nil {
		t.Errorf("retention not removed")
	}

	// Tags through both APIs.
	if _, err := client.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: g.LogGroupArn, Tags: map[string]string{"env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := client.ListTagsForResource(ctx, &cwl.ListTagsForResourceInput{ResourceArn: g.LogGroupArn})
	if err != nil || len(tags.Tags) != 2 || tags.Tags["env"] != "dev" {
		t.Fatalf("%v %v", tags, err)
	}
	client.UntagLogGroup(ctx, &cwl.UntagLogGroupInput{LogGroupName: g.LogGroupName, Tags: []string{"team"}})
	old, _ := client.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: g.LogGroupName})
	if len(old.Tags) != 1 {
		t.Errorf("tags %v", old.Tags)
	}
	_, err = client.TagLogGroup(ctx, &cwl.TagLogGroupInput{LogGroupName: g.LogGroupName, Tags: map[string]string{"aws:x": "y"}})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	// Deletion protection, KMS key association.
	client.PutLogGroupDeletionProtection(ctx, &cwl.PutLogGroupDeletionProtectionInput{LogGroupIdentifier: g.LogGroupName, DeletionProtectionEnabled: aws.Bool(true)})
	_, err = client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: g.LogGroupName})
	harness.AssertAPIError(t, err, "InvalidOperationException")
	client.PutLogGroupDeletionProtection(ctx, &cwl.PutLogGroupDeletionProtectionInput{LogGroupIdentifier: g.LogGroupName, DeletionProtectionEnabled: aws.Bool(false)})
	if _, err := client.AssociateKmsKey(ctx, &cwl.AssociateKmsKeyInput{LogGroupName: g.LogGroupName, KmsKeyId: aws.String("arn:aws:kms:us-east-1:000000000000:key/k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DisassociateKmsKey(ctx, &cwl.DisassociateKmsKeyInput{LogGroupName: g.LogGroupName}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: g.LogGroupName}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: g.LogGroupName})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
}

func TestLogStreamsAndEvents(t *testing.T) {
	ls := harness.Start(t)
	client := cwl.NewFromConfig(ls.Config)
	ctx := harness.Ctx
	group := aws.String("/ecs/web")
	if _, err := client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: group}); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/nope"), LogStreamName: aws.String("s")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	for _, s := range []string{"web/app/b", "web/app/a", "other"} {
		if _, err := client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String("other")})
	harness.AssertAPIError(t, err, "ResourceAlreadyExistsException")

	now := time.Now().UnixMilli()
	var batch []types.InputLogEvent
	for i := 0; i < 25; i++ {
		msg := fmt.Sprintf("INFO request %d ok", i)
		if i%5 == 0 {
			msg = fmt.Sprintf("ERROR request %d failed", i)
		}
		batch = append(batch, types.InputLogEvent{Timestamp: aws.Int64(now - int64(25-i)*1000), Message: aws.String(msg)})
	}
	put, err := client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a"), LogEvents: batch})
	if err != nil || aws.ToString(put.NextSequenceToken) == "" || put.RejectedLogEventsInfo != nil {
		t.Fatalf("%+v %v", put, err)
	}
	_, err = client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a"), LogEvents: []types.InputLogEvent{
		{Timestamp: aws.Int64(now), Message: aws.String("b")}, {Timestamp: aws.Int64(now - 1), Message: aws.String("a")}}})
	harness.AssertAPIError(t, err, "InvalidParameterException")
	_, err = client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String("missing"), LogEvents: batch[:1]})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
	old, err := client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String("other"), LogEvents: []types.InputLogEvent{
		{Timestamp: aws.Int64(now - (14*24+1)*3600*1000), Message: aws.String("ancient")}, {Timestamp: aws.Int64(now - (14*24-1)*3600*1000), Message: aws.String("ERROR fresh")}}})
	if err != nil || old.RejectedLogEventsInfo == nil || aws.ToInt32(old.RejectedLogEventsInfo.TooOldLogEventEndIndex) != 0 {
		t.Fatalf("%+v %v", old, err)
	}

	// GetLogEvents from the head, page by page, ends when the token repeats.
	var got []string
	token := (*string)(nil)
	for pages := 0; pages < 10; pages++ {
		page, err := client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a"),
			StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			got = append(got, *e.Message)
		}
		if token != nil && *page.NextForwardToken == *token {
			break
		}
		token = page.NextForwardToken
	}
	if len(got) != 25 || got[0] != "ERROR request 0 failed" || got[24] != "INFO request 24 ok" {
		t.Fatalf("events %d: %v", len(got), got)
	}
	// Without startFromHead the newest events come back, in order.
	tail, _ := client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a"), Limit: aws.Int32(3)})
	if len(tail.Events) != 3 || *tail.Events[2].Message != "INFO request 24 ok" || *tail.Events[0].Message != "INFO request 22 ok" {
		t.Fatalf("tail %+v", tail.Events)
	}
	back, _ := client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a"), Limit: aws.Int32(3), NextToken: tail.NextBackwardToken})
	if len(back.Events) != 3 || *back.Events[2].Message != "INFO request 21 ok" {
		t.Fatalf("backward page %+v", back.Events)
	}

	// FilterLogEvents across streams through the SDK paginator.
	var errs []string
	fp := cwl.NewFilterLogEventsPaginator(client, &cwl.FilterLogEventsInput{LogGroupName: group, FilterPattern: aws.String("ERROR"), Limit: aws.Int32(2)})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			errs = append(errs, *e.LogStreamName+": "+*e.Message)
		}
	}
	if len(errs) != 6 || !strings.HasPrefix(errs[5], "other: ERROR fresh") {
		t.Fatalf("filtered %v", errs)
	}
	byPrefix, _ := client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: group, LogStreamNamePrefix: aws.String("web/"), FilterPattern: aws.String(`"request 2"`)})
	if len(byPrefix.Events) != 6 { // request 2, 20..24
		t.Errorf("prefix filter: %d events", len(byPrefix.Events))
	}

	streams, err := client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: group, LogStreamNamePrefix: aws.String("web/")})
	if err != nil || len(streams.LogStreams) != 2 || *streams.LogStreams[0].LogStreamName != "web/app/a" {
		t.Fatalf("%+v %v", streams, err)
	}
	a := streams.LogStreams[0]
	if aws.ToInt64(a.FirstEventTimestamp) != now-25000 || aws.ToInt64(a.LastEventTimestamp) != now-1000 || a.LastIngestionTime == nil {
		t.Errorf("stream times %+v", a)
	}
	byTime, _ := client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: group, OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if len(byTime.LogStreams) != 3 || *byTime.LogStreams[0].LogStreamName != "web/app/a" || *byTime.LogStreams[2].LogStreamName != "web/app/b" {
		t.Errorf("by time %+v", byTime.LogStreams)
	}
	_, err = client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: group, OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("w")})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	if _, err := client.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: group, LogStreamName: aws.String("web/app/a")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: group, LogStreamName: aws.String("web/app/a")})
	harness.AssertAPIError(t, err, "ResourceNotFoundException")
}

func TestLogsCLI(t *testing.T) {
	ls := harness.Start(t)
	if out, err := harness.AWSCLI(t, ls, nil, "logs", "create-log-group", "--log-group-name", "/ecs/cli"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	harness.AWSCLI(t, ls, nil, "logs", "create-log-stream", "--log-group-name", "/ecs/cli", "--log-stream-name", "s")
	if out, err := harness.AWSCLI(t, ls, nil, "logs", "put-log-events", "--log-group-name", "/ecs/cli", "--log-stream-name", "s",
		"--log-events", fmt.Sprintf("timestamp=%d,message=hello", time.Now().UnixMilli())); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	out, err := harness.AWSCLI(t, ls, nil, "logs", "get-log-events", "--log-group-name", "/ecs/cli", "--log-stream-name", "s", "--query", "events[0].message", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "hello" {
		t.Fatalf("%v: %q", err, out)
	}
	out, _ = harness.AWSCLI(t, ls, nil, "logs", "describe-log-groups", "--query", "logGroups[].logGroupName", "--output", "text")
	if strings.TrimSpace(out) != "/ecs/cli" {
		t.Errorf("%q", out)
	}
}
