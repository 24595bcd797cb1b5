package cli_test

import (
	"strings"
	"testing"
)

// A platform engineer's IAM session: a role from --cli-input-json, the
// role-exists waiter, managed and inline policies, users paged with
// --max-items, an instance profile, and the errors of a typo.
func TestCLIIAMSession(t *testing.T) {
	s := start(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	input := s.file("role.json", `{
  "RoleName": "app-task",
  "Path": "/apps/",
  "Description": "task role for app",
  "MaxSessionDuration": 7200,
  "AssumeRolePolicyDocument": `+quote(trust)+`,
  "Tags": [{"Key": "team", "Value": "web"}]
}`)
	arn := s.text("iam", "create-role", "--cli-input-json", input, "--query", "Role.Arn")
	s.equal("role arn", arn, "arn:aws:iam::000000000000:role/apps/app-task")
	s.run("iam", "wait", "role-exists", "--role-name", "app-task")
	s.equal("max session", s.text("iam", "get-role", "--role-name", "app-task", "--query", "Role.MaxSessionDuration"), "7200")

	s.run("iam", "attach-role-policy", "--role-name", "app-task", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	s.run("iam", "put-role-policy", "--role-name", "app-task", "--policy-name", "queue",
		"--policy-document", s.file("queue.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`))
	table := s.run("iam", "list-attached-role-policies", "--role-name", "app-task", "--output", "table")
	s.tableHas(table, "ListAttachedRolePolicies", "AttachedPolicies", "AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	s.equal("inline policies", s.text("iam", "list-role-policies", "--role-name", "app-task", "--query", "PolicyNames[0]"), "queue")

	// A customer managed policy and a second version of it.
	policyArn := s.text("iam", "create-policy", "--policy-name", "read-logs",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`, "--query", "Policy.Arn")
	s.equal("policy arn", policyArn, "arn:aws:iam::000000000000:policy/read-logs")
	s.run("iam", "wait", "policy-exists", "--policy-arn", policyArn)
	s.equal("new version", s.text("iam", "create-policy-version", "--policy-arn", policyArn, "--set-as-default",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`,
		"--query", "PolicyVersion.VersionId"), "v2")
	s.equal("default version", s.text("iam", "list-policy-versions", "--policy-arn", policyArn,
		"--query", "Versions[?IsDefaultVersion].VersionId"), "v2")

	// Seven users, paged three at a time.
	for _, u := range []string{"ann", "ben", "cat", "dan", "eve", "fay", "gus"} {
		s.run("iam", "create-user", "--user-name", u, "--path", "/people/")
	}
	s.run("iam", "wait", "user-exists", "--user-name", "gus")
	names, pages := s.pages("Names", 3, "iam", "list-users", "--path-prefix", "/people/", "--query", "{Names: Users[].UserName, NextToken: NextToken}")
	s.equal("users", strings.Join(names, ","), "ann,ben,cat,dan,eve,fay,gus")
	if pages != 3 {
		t.Errorf("7 users with --max-items 3 came in %d pages", pages)
	}
	s.equal("all users at once", s.text("iam", "list-users", "--query", "length(Users)"), "7")

	keyID := s.text("iam", "create-access-key", "--user-name", "ann", "--query", "AccessKey.AccessKeyId")
	if !strings.HasPrefix(keyID, "AKIA") || len(keyID) != 20 {
		t.Errorf("access key id %q", keyID)
	}

	s.run("iam", "create-instance-profile", "--instance-profile-name", "app-hosts")
	s.run("iam", "add-role-to-instance-profile", "--instance-profile-name", "app-hosts", "--role-name", "app-task")
	s.run("iam", "wait", "instance-profile-exists", "--instance-profile-name", "app-hosts")
	s.equal("profile role", s.text("iam", "get-instance-profile", "--instance-profile-name", "app-hosts",
		"--query", "InstanceProfile.Roles[0].RoleName"), "app-task")

	s.fail("NoSuchEntity", "iam", "get-role", "--role-name", "app-tsak")
	s.fail("EntityAlreadyExists", "iam", "create-user", "--user-name", "ann")
	s.fail("DeleteConflict", "iam", "delete-role", "--role-name", "app-task")

	// Tear down in the order AWS requires.
	s.run("iam", "remove-role-from-instance-profile", "--instance-profile-name", "app-hosts", "--role-name", "app-task")
	s.run("iam", "delete-instance-profile", "--instance-profile-name", "app-hosts")
	s.run("iam", "detach-role-policy", "--role-name", "app-task", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	s.run("iam", "delete-role-policy", "--role-name", "app-task", "--policy-name", "queue")
	s.run("iam", "delete-role", "--role-name", "app-task")
	s.fail("DeleteConflict", "iam", "delete-policy", "--policy-arn", policyArn)
	s.run("iam", "delete-policy-version", "--policy-arn", policyArn, "--version-id", "v1")
	s.run("iam", "delete-policy", "--policy-arn", policyArn)
	s.equal("roles left", s.text("iam", "list-roles", "--query", "length(Roles)"), "0")
}

// STS: who am I, and who am I after assume-role with the temporary
// credentials exported as a script does.
func TestCLISTSSession(t *testing.T) {
	s := start(t)
	s.equal("account", s.text("sts", "get-caller-identity", "--query", "Account"), "000000000000")
	table := s.run("sts", "get-caller-identity", "--output", "table")
	s.tableHas(table, "GetCallerIdentity", "Account", "000000000000")

	s.run("iam", "create-role", "--role-name", "deployer", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`)
	creds := s.text("sts", "assume-role", "--role-arn", "arn:aws:iam::000000000000:role/deployer", "--role-session-name", "ci-run",
		"--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]")
	parts := strings.Fields(creds)
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "ASIA") {
		t.Fatalf("assume-role credentials %q", creds)
	}
	s.env = []string{"AWS_ACCESS_KEY_ID=" + parts[0], "AWS_SECRET_ACCESS_KEY=" + parts[1], "AWS_SESSION_TOKEN=" + parts[2]}
	s.equal("assumed identity", s.text("sts", "get-caller-identity", "--query", "Arn"),
		"arn:aws:sts::000000000000:assumed-role/deployer/ci-run")
}

// quote makes s a JSON string literal.
func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}
