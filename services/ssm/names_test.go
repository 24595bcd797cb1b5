package ssm

import "testing"

func TestInPath(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		recursive  bool
		want       bool
	}{
		{"/a/b", "/a", false, true}, {"/a/b/c", "/a", false, false}, {"/a/b/c", "/a", true, true},
		{"/ab", "/a", true, false}, {"/a/b", "/a/", false, true}, {"/x", "/", false, true}, {"/x/y", "/", false, false},
	} {
		if got := inPath(tc.name, tc.path, tc.recursive); got != tc.want {
			t.Errorf("inPath(%q, %q, %v) = %v", tc.name, tc.path, tc.recursive, got)
		}
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{"/app/db": true, "plain": true, "/aws/x": false, "ssm-thing": false, "a/b": false, "/bad name": false} {
		if got := checkName(name) == nil; got != ok {
			t.Errorf("checkName(%q) ok=%v", name, got)
		}
	}
}

func TestSelectorsAndLabels(t *testing.T) {
	if n, s := splitSelector("/a/b:3"); n != "/a/b" || s != "3" {
		t.Errorf("%s %s", n, s)
	}
	if n, s := splitSelector("/a/b"); n != "/a/b" || s != "" {
		t.Errorf("%s %s", n, s)
	}
	for l, ok := range map[string]bool{"prod": true, "1bad": false, "awsx": false, "Ssm": false, "a.b-c_d": true} {
		if validLabel(l) != ok {
			t.Errorf("validLabel(%q)", l)
		}
	}
	if arn("us-east-1", "1", "x") != "arn:aws:ssm:us-east-1:1:parameter/x" {
		t.Error(arn("us-east-1", "1", "x"))
	}
}

func TestPublicParametersNameImages(t *testing.T) {
	p := publicParameters("us-east-1")
	id := p["/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"]
	if id == "" || p["/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/os"] != "Amazon Linux 2023" {
		t.Fatalf("public parameters %v", p)
	}
}

func TestCandidateNames(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "arn:aws:ssm:us-east-1:1:parameter/plain": "plain|/plain", "arn:aws:ssm:us-east-1:1:parameter/a/b": "/a/b",
	} {
		got := candidateNames(in)
		if s := join(got); s != want {
			t.Errorf("%s: %s", in, s)
		}
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "|"
		}
		out += x
	}
	return out
}
