package terraform_test

import (
	"os"
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestDevEC2ModeNoSSM(t *testing.T) {
	if os.Getenv("E2E_DEV") == "" {
		t.Skip()
	}
	ls := harness.Start(t)
	cfg := strings.Replace(ec2ModeConfig, `data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}`, "", 1)
	cfg = strings.ReplaceAll(cfg, "data.aws_ssm_parameter.ecs_ami.value", `"ami-0fa9244603097127c"`)
	tf := harness.StartTerraform(t, ls, cfg)
	out := tf.Must("apply", "-auto-approve", "-input=false", "-no-color")
	os.WriteFile("/tmp/e2e-ec2-apply.txt", []byte(out), 0o644)
	out = tf.Must("destroy", "-auto-approve", "-input=false", "-no-color")
	os.WriteFile("/tmp/e2e-ec2-destroy.txt", []byte(out), 0o644)
}
