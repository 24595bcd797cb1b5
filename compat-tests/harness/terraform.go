package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longshore/longshore/longshoretest"
)

// providerMirrors are where machine images keep a filesystem mirror of the
// hashicorp/aws provider; LONGSHORE_TF_PLUGINS names another.
var providerMirrors = []string{"/opt/tf-plugins", "/usr/share/terraform/plugins", "/root/.terraform.d/plugins"}

// Terraform is a Terraform working directory pointed at one Longshore.
type Terraform struct {
	t   testing.TB
	dir string
	env []string
}

// StartTerraform writes the configuration (HCL without a provider block: one
// pointed at ls is added) into a temporary directory and runs terraform init
// against the local provider mirror. It skips the test where Terraform or the
// mirror is absent; it never reaches the network.
func StartTerraform(t testing.TB, ls *longshoretest.Instance, config string) *Terraform {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not installed; skipping Terraform test")
	}
	mirror := os.Getenv("LONGSHORE_TF_PLUGINS")
	if mirror == "" {
		for _, m := range providerMirrors {
			if _, err := os.Stat(filepath.Join(m, "registry.terraform.io", "hashicorp", "aws")); err == nil {
				mirror = m
				break
			}
		}
	}
	if mirror == "" {
		t.Skip("no filesystem mirror of the hashicorp/aws provider (set LONGSHORE_TF_PLUGINS); skipping Terraform test")
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "cli.tfrc")
	write(t, rc, `provider_installation {
  filesystem_mirror {
    path    = "`+mirror+`"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`)
	write(t, filepath.Join(dir, "provider.tf"), ProviderBlock(ls.URL))
	write(t, filepath.Join(dir, "main.tf"), config)
	tf := &Terraform{t: t, dir: dir, env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1", "TF_PLUGIN_CACHE_DIR=", "AWS_EC2_METADATA_DISABLED=true", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))}
	tf.Must("init", "-input=false", "-no-color")
	return tf
}

// ProviderBlock is the provider configuration users copy from the README:
// the documented endpoint and skip_* settings, nothing else.
func ProviderBlock(url string) string {
	var eps strings.Builder
	for _, name := range []string{"acm", "applicationautoscaling", "autoscaling", "cloudwatch", "ec2", "ecs", "elbv2", "iam", "logs", "servicediscovery", "sqs", "ssm", "sts"} {
		eps.WriteString("    " + name + " = \"" + url + "\"\n")
	}
	return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true

  endpoints {
` + eps.String() + `  }
}
`
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Run runs a terraform command and returns its output and exit code.
func (tf *Terraform) Run(args ...string) (string, int) {
	tf.t.Helper()
	cmd := exec.Command("terraform", args...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tf.t.Fatalf("terraform %v: %v", args, err)
	}
	return string(out), code
}

// Must runs a terraform command that must succeed.
func (tf *Terraform) Must(args ...string) string {
	tf.t.Helper()
	out, code := tf.Run(args...)
	if code != 0 {
		tf.t.Fatalf("terraform %s failed (exit %d):\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// ApplyPlanDestroy is the whole check: apply succeeds, a second plan shows no
// changes (exit 0 with -detailed-exitcode), and destroy succeeds. between runs
// after apply, before the plan.
func (tf *Terraform) ApplyPlanDestroy(between func()) {
	tf.t.Helper()
	tf.Must("apply", "-auto-approve", "-input=false", "-no-color")
	if between != nil {
		between()
	}
	out, code := tf.Run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if code != 0 {
		tf.t.Errorf("plan after apply is not clean (exit %d):\n%s", code, out)
	}
	tf.Must("destroy", "-auto-approve", "-input=false", "-no-color")
}

// Output reads one output value as raw text.
func (tf *Terraform) Output(name string) string {
	tf.t.Helper()
	return strings.TrimSpace(tf.Must("output", "-raw", name))
}
