package cli_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// CloudWatch Logs from a script: log groups by prefix and paged, retention,
// a stream written with put-log-events from --cli-input-json and read back
// with get-log-events and filter-log-events, and the clean-up.
func TestCLILogsSession(t *testing.T) {
	s := start(t)
	for _, g := range []string{"/ecs/orders", "/ecs/billing", "/ecs/mailer", "/lambda/other"} {
		s.run("logs", "create-log-group", "--log-group-name", g, "--tags", "team=shop")
	}
	s.run("logs", "put-retention-policy", "--log-group-name", "/ecs/orders", "--retention-in-days", "14")
	names, pages := s.pages("Names", 2, "logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/",
		"--query", "{Names: logGroups[].logGroupName, NextToken: NextToken}")
	s.equal("groups by prefix", strings.Join(names, ","), "/ecs/billing,/ecs/mailer,/ecs/orders")
	if pages != 2 {
		t.Errorf("3 groups with --max-items 2 came in %d pages", pages)
	}
	table := s.run("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/orders", "--output", "table",
		"--query", "logGroups[].{Name:logGroupName,Retention:retentionInDays}")
	s.tableHas(table, "DescribeLogGroups", "/ecs/orders", "14")

	s.run("logs", "create-log-stream", "--log-group-name", "/ecs/orders", "--log-stream-name", "web/web/abc123")
	now := time.Now().UnixMilli()
	events := s.file("events.json", fmt.Sprintf(`{
  "logGroupName": "/ecs/orders",
  "logStreamName": "web/web/abc123",
  "logEvents": [
    {"timestamp": %d, "message": "GET /health 200"},
    {"timestamp": %d, "message": "POST /orders 201"},
    {"timestamp": %d, "message": "GET /orders/7 404"}
  ]
}`, now-2000, now-1000, now))
	s.run("logs", "put-log-events", "--cli-input-json", events)
	s.equal("messages", s.text("logs", "get-log-events", "--log-group-name", "/ecs/orders", "--log-stream-name", "web/web/abc123",
		"--start-from-head", "--query", "events[].message"), "GET /health 200\tPOST /orders 201\tGET /orders/7 404")
	s.equal("filtered", s.text("logs", "filter-log-events", "--log-group-name", "/ecs/orders", "--filter-pattern", "GET",
		"--query", "events[].message"), "GET /health 200\tGET /orders/7 404")
	s.equal("stream prefix", s.text("logs", "describe-log-streams", "--log-group-name", "/ecs/orders", "--log-stream-name-prefix", "web/",
		"--query", "logStreams[0].logStreamName"), "web/web/abc123")

	s.fail("ResourceAlreadyExistsException", "logs", "create-log-group", "--log-group-name", "/ecs/orders")
	s.fail("ResourceNotFoundException", "logs", "get-log-events", "--log-group-name", "/ecs/orders", "--log-stream-name", "nope")

	for _, g := range []string{"/ecs/orders", "/ecs/billing", "/ecs/mailer", "/lambda/other"} {
		s.run("logs", "delete-log-group", "--log-group-name", g)
	}
	s.equal("groups left", s.text("logs", "describe-log-groups", "--query", "length(logGroups)"), "0")
}
