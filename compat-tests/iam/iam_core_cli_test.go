package iam_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestCoreCLITaskExecutionRole(t *testing.T) {
	ls := harness.Start(t)
	trust := filepath.Join(t.TempDir(), "trust-policy.json")
	if err := os.WriteFile(trust, []byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ecs-tasks.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := harness.AWSCLI(t, ls, nil, "iam", "create-role", "--role-name", "ecsTaskExecutionRole",
		"--assume-role-policy-document", "file://"+trust, "--query", "Role.Arn", "--output", "text")
	if err != nil {
		t.Fatalf("create-role: %v\n%s", err, out)
	}
	if strings.TrimSpace(out) != "arn:aws:iam::000000000000:role/ecsTaskExecutionRole" {
		t.Errorf("create-role printed %q", out)
	}
	out, err = harness.AWSCLI(t, ls, nil, "iam", "attach-role-policy", "--role-name", "ecsTaskExecutionRole",
		"--policy-arn", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
	if err != nil {
		t.Fatalf("attach-role-policy: %v\n%s", err, out)
	}
	out, err = harness.AWSCLI(t, ls, nil, "iam", "list-attached-role-policies", "--role-name", "ecsTaskExecutionRole",
		"--query", "AttachedPolicies[0].PolicyName", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "AmazonECSTaskExecutionRolePolicy" {
		t.Errorf("list-attached-role-policies: %v %q", err, out)
	}
	// The CLI decodes the URL-encoded trust policy into JSON.
	out, err = harness.AWSCLI(t, ls, nil, "iam", "get-role", "--role-name", "ecsTaskExecutionRole",
		"--query", "Role.AssumeRolePolicyDocument.Statement[0].Principal.Service", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "ecs-tasks.amazonaws.com" {
		t.Errorf("get-role --query: %v %q", err, out)
	}
	out, err = harness.AWSCLI(t, ls, nil, "iam", "get-role", "--role-name", "missing")
	if err == nil || !strings.Contains(out, "NoSuchEntity") {
		t.Errorf("get-role of a missing role: %v %s", err, out)
	}
}
