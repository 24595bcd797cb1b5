package api

import (
	"regexp"
	"testing"
)

// A request id is a random (version 4) UUID in its canonical text form.
func TestUUIDIsVersion4(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := UUID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("UUID %q", id)
		}
		seen[id] = true
	}
}

func TestInPartition(t *testing.T) {
	for _, c := range []struct{ arn, partition, want string }{
		{"arn:aws:iam::000000000000:root", "aws", "arn:aws:iam::000000000000:root"},
		{"arn:aws:iam::000000000000:root", "aws-cn", "arn:aws-cn:iam::000000000000:root"},
		{"arn:aws-cn:sts::1:assumed-role/r/s", "aws", "arn:aws:sts::1:assumed-role/r/s"},
		{"not-an-arn", "aws-cn", "not-an-arn"},
	} {
		if got := InPartition(c.arn, c.partition); got != c.want {
			t.Errorf("InPartition(%q, %q) = %q, want %q", c.arn, c.partition, got, c.want)
		}
	}
}

// BenchmarkUUID is a request id's cost, drawn on every request.
func BenchmarkUUID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		UUID()
	}
}
