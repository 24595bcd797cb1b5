// Package harness is what the compat tests share: a fresh in-process
// Longshore per test, raw HTTP requests for what SDKs never send, the aws CLI,
// and assertions on AWS API errors.
package harness

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/longshore/longshore/longshoretest"
)

// Ctx is the context for SDK calls in tests.
var Ctx = context.Background()

// Start runs a fresh Longshore for one test.
func Start(t testing.TB) *longshoretest.Instance {
	t.Helper()
	return longshoretest.Start(t)
}

// Response is an answer to a hand-made request.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Raw sends a hand-made request, for what SDKs never send.
func Raw(t testing.TB, ls *longshoretest.Instance, method, path string, header map[string]string, body string) Response {
	t.Helper()
	req, err := http.NewRequest(method, ls.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := ls.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Query posts an awsQuery form signed for service.
func Query(t testing.TB, ls *longshoretest.Instance, service, form string) Response {
	return Raw(t, ls, "POST", "/", map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded",
		"Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=x",
	}, form)
}

// JSON posts an awsJson request with X-Amz-Target.
func JSON(t testing.TB, ls *longshoretest.Instance, target, body string) Response {
	return Raw(t, ls, "POST", "/", map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}, body)
}

// AWSCLI runs the aws CLI against the instance, skipping the test where it is absent.
func AWSCLI(t testing.TB, ls *longshoretest.Instance, env []string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the aws CLI is not installed; skipping CLI test")
	}
	return runCLI(path, append([]string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...),
		append([]string{"--endpoint-url", ls.URL, "--region", "us-east-1", "--output", "json"}, args...))
}

// CLI runs the aws CLI against the instance, fails the test if it fails,
// and returns its output without surrounding space.
func CLI(t testing.TB, ls *longshoretest.Instance, args ...string) string {
	t.Helper()
	out, err := AWSCLI(t, ls, nil, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// Contains fails the test unless got contains want.
func Contains(t testing.TB, got, want string) {
	t.Helper()
	if !strings.Contains(got, want) {
		t.Errorf("want %q in:\n%s", want, got)
	}
}

// AssertAPIError checks that err is an AWS API error with the given code.
func AssertAPIError(t testing.TB, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae
}
