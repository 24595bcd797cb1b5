package ssm_test

import (
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestAWSCLIParameters(t *testing.T) {
	ls := harness.Start(t)
	run := func(args ...string) string { return harness.CLI(t, ls, args...) }
	ami := run("ssm", "get-parameter", "--name", "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", "--query", "Parameter.Value", "--output", "text")
	if !strings.HasPrefix(ami, "ami-") {
		t.Fatalf("ami %q", ami)
	}
	name := run("ec2", "describe-images", "--image-ids", ami, "--query", "Images[0].Name", "--output", "text")
	if !strings.HasPrefix(name, "amzn2-ami-ecs-hvm-") {
		t.Errorf("image name %q", name)
	}
	run("ssm", "put-parameter", "--name", "/svc/token", "--value", "abc", "--type", "SecureString")
	if v := run("ssm", "get-parameter", "--name", "/svc/token", "--with-decryption", "--query", "Parameter.Value", "--output", "text"); v != "abc" {
		t.Errorf("decrypted %q", v)
	}
	if v := run("ssm", "get-parameters-by-path", "--path", "/svc", "--query", "Parameters[].Name", "--output", "text"); v != "/svc/token" {
		t.Errorf("by path %q", v)
	}
	out, err := harness.AWSCLI(t, ls, nil, "ssm", "get-parameter", "--name", "/svc/none")
	if err == nil || !strings.Contains(out, "ParameterNotFound") {
		t.Errorf("missing parameter: %v %s", err, out)
	}
}
