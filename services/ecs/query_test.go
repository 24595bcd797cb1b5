package ecs

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestParseExpressionMatch(t *testing.T) {
	ci := &types.ContainerInstance{
		Ec2InstanceId:     aws.String("i-123"),
		AgentConnected:    true,
		RunningTasksCount: 2,
		RegisteredAt:      aws.Time(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)),
		Attributes: []types.Attribute{
			{Name: aws.String("ecs.instance-type"), Value: aws.String("t3.micro")},
			{Name: aws.String("ecs.availability-zone"), Value: aws.String("us-east-1b")},
			{Name: aws.String("stack"), Value: aws.String("prod")},
			{Name: aws.String("gpu")},
			{Name: aws.String("weight"), Value: aws.String("10")},
		},
	}
	web := &types.Task{Group: aws.String("service:web")}
	cases := []struct {
		expr string
		want bool
	}{
		{"attribute:ecs.instance-type == t3.micro", true},
		{"attribute:ecs.instance-type equals t3.small", false},
		{"attribute:ecs.instance-type != t3.small", true},
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true},
		{"attribute:ecs.availability-zone not_in [us-east-1a, us-east-1b]", false},
		{"attribute:ecs.availability-zone !in [us-east-1a]", true},
		{"runningTasksCount > 1", true},
		{"runningTasksCount >= 3", false},
		{"runningTasksCount less_than 3", true},
		{"ec2InstanceId == i-123", true},
		{"ec2InstanceId == i-456", false},
		{"registeredAt < 2024-01-01", false},
		{"registeredAt > 2024-01-01", true},
		{"registeredAt >= 2024-03-01T12:00:00Z", true},
		{"attribute:gpu exists", true},
		{"attribute:fpga exists", false},
		{"attribute:fpga !exists", true},
		{"attribute:fpga not_exists", true},
		{"attribute:ecs.instance-type =~ t3.*", true},
		{"attribute:ecs.instance-type matches m5.*", false},
		{"attribute:ecs.instance-type !~ m5.*", true},
		{"attribute:weight > 9", true},
		{"attribute:stack == prod && runningTasksCount > 1", true},
		{"attribute:stack == dev and runningTasksCount > 1", false},
		{"attribute:stack == dev || ec2InstanceId == i-123", true},
		{"(attribute:stack == dev or attribute:stack == prod) and not(attribute:fpga exists)", true},
		{"!(attribute:stack == prod)", false},
		{"attribute:missing != x", true},
		{"agentConnected == true", true},
		{"task:group == service:web", true},
		{"task:group == service:api", false},
		{"task:group != service:api", true},
		{"attribute:stack == 'prod'", true},
	}
	for _, tc := range cases {
		e, err := ParseExpression(tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := e.Match(ci, web); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestParseExpressionErrors(t *testing.T) {
	for _, expr := range []string{
		"",
		"attribute:x ==",
		"unknownSubject == 1",
		"attribute:x in us-east-1a",
		"attribute:x in [a, b",
		"(attribute:x exists",
		"attribute:x exists)",
		"attribute:x = y",
		"runningTasksCount > many",
		"registeredAt < yesterday",
		"attribute:x =~ (",
		"attribute:x == a &&",
		"attribute: exists",
	} {
		if _, err := ParseExpression(expr); err == nil {
			t.Errorf("%q: parsed, want an error", expr)
		}
	}
}
