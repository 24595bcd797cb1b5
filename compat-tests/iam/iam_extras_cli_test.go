package iam_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestExtrasCLI(t *testing.T) {
	ls := harness.Start(t)
	dir := t.TempDir()
	png := filepath.Join(dir, "qr.png")
	out, err := harness.AWSCLI(t, ls, nil, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "cli-phone",
		"--outfile", png, "--bootstrap-method", "QRCodePNG", "--query", "VirtualMFADevice.SerialNumber", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "arn:aws:iam::000000000000:mfa/cli-phone" {
		t.Fatalf("%v: %s", err, out)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR code file: %v", err)
	}
	seed := filepath.Join(dir, "seed.txt")
	if out, err := harness.AWSCLI(t, ls, nil, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "cli-seed",
		"--outfile", seed, "--bootstrap-method", "Base32StringSeed"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b, _ := os.ReadFile(seed); !regexp.MustCompile(`^[A-Z2-7]{64}$`).Match(b) {
		t.Fatalf("seed file %q", b)
	}

	out, err = harness.AWSCLI(t, ls, nil, "iam", "get-account-password-policy")
	if err == nil || !strings.Contains(out, "(NoSuchEntity)") || !strings.Contains(out, "The Password Policy with domain name 000000000000 cannot be found.") {
		t.Fatalf("get-account-password-policy: %v: %s", err, out)
	}
	if out, err := harness.AWSCLI(t, ls, nil, "iam", "update-account-password-policy", "--minimum-password-length", "12", "--require-symbols"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	out, err = harness.AWSCLI(t, ls, nil, "iam", "get-account-password-policy", "--query", "PasswordPolicy.[MinimumPasswordLength,RequireSymbols]", "--output", "text")
	if err != nil || strings.Join(strings.Fields(out), " ") != "12 True" {
		t.Fatalf("%v: %q", err, out)
	}
}
