package server

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// Run serves until its context ends, then shuts down cleanly; a file database
// keeps what was written for the next start.
func TestRunServesAndShutsDownCleanly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "longshore.db")
	for round := 0; round < 2; round++ {
		ctx, cancel := context.WithCancel(context.Background())
		addrc := make(chan string, 1)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- Run(ctx, Config{Listen: "127.0.0.1:0", DB: db}, func(a string) { addrc <- a }) }()
		var addr string
		select {
		case addr = <-addrc:
		case err := <-done:
			t.Fatalf("Run: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run never listened")
		}
		resp, err := http.Post("http://"+addr+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<Account>000000000000</Account>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		t.Logf("round %d: first answer %v after start", round, time.Since(start))
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("Run did not stop")
		}
	}
}

// The request id's header key is what http.Header.Set would write.
func TestRequestIDHeaderIsCanonical(t *testing.T) {
	if got := http.CanonicalHeaderKey("x-amzn-RequestId"); got != requestIDHeader {
		t.Fatalf("canonical key %q, the constant %q", got, requestIDHeader)
	}
}

// readBody reads what io.ReadAll reads, whatever size it is told.
func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 50, 511, 512, 513, 5000} {
		body := strings.Repeat("x", n)
		for _, size := range []int64{-1, 0, int64(n) - 1, int64(n), int64(n) + 7, MaxBodyBytes + 1} {
			got, err := readBody(iotest.OneByteReader(strings.NewReader(body)), size)
			if err != nil || string(got) != body {
				t.Fatalf("%d bytes told %d: %d bytes, %v", n, size, len(got), err)
			}
		}
	}
	got, err := readBody(strings.NewReader(strings.Repeat("x", MaxBodyBytes+10)), MaxBodyBytes)
	if err != nil || len(got) != MaxBodyBytes+1 {
		t.Fatalf("an oversized body: %d bytes, %v", len(got), err)
	}
}
