package terraform_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

// The provider block in the README is the one these scenarios use, so what
// users copy is what is tested.
func TestREADMEProviderBlock(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := squeeze(harness.ProviderBlock("http://127.0.0.1:4566"))
	if !strings.Contains(squeeze(string(readme)), want) {
		t.Errorf("README's Terraform section does not hold harness.ProviderBlock:\n%s", harness.ProviderBlock("http://127.0.0.1:4566"))
	}
}

// Every service /_longshore/health reports has a row in the README's table.
func TestREADMESupportTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	table := text[strings.Index(text, "## What is supported"):]
	ls := harness.Start(t)
	var health struct {
		Services map[string]json.RawMessage `json:"services"`
	}
	if err := json.Unmarshal([]byte(harness.Raw(t, ls, "GET", "/_longshore/health", nil, "").Body), &health); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{"ecs": "| ECS |", "iam": "| IAM |", "sts": "| STS |", "elbv2": "| Elastic Load Balancing v2 |",
		"application-autoscaling": "| Application Auto Scaling |", "cloudwatch": "| CloudWatch |", "logs": "| CloudWatch Logs |",
		"ec2": "| EC2 |", "autoscaling": "| Auto Scaling |", "ssm": "| SSM |",
		"servicediscovery": "| Cloud Map |", "sqs": "| SQS |"}
	for name := range health.Services {
		row, ok := rows[name]
		if !ok {
			t.Errorf("health reports %s, which the README's table does not name", name)
			continue
		}
		if !strings.Contains(table, row) {
			t.Errorf("README's table lacks a row %q for %s", row, name)
		}
	}
}

// squeeze collapses runs of blanks so that alignment does not matter.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
