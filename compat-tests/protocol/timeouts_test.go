package protocol_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// Stalled clients do not hold the server: 500 connections that send 10 bytes
// of a 1,000-byte body, and 50 that never finish their headers, stay open
// while a normal SDK client gets its answers in milliseconds; the body and
// header timeouts then close every one of them, answering RequestTimeout
// where the headers had arrived, and no goroutine is left behind.
func TestStalledConnectionsAreCutOff(t *testing.T) {
	const bodyTimeout, headerTimeout = 3 * time.Second, 3 * time.Second
	ls := longshoretest.StartWith(t, longshoretest.Options{HeaderTimeout: headerTimeout, BodyTimeout: bodyTimeout, IdleTimeout: 2 * time.Second})
	client := sts.NewFromConfig(ls.Config)
	harness.Must(client.GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	ls.HTTPClient.CloseIdleConnections()
	before := runtime.NumGoroutine()

	addr := strings.TrimPrefix(ls.URL, "http://")
	const partialBodies, partialHeaders = 500, 50
	var conns []net.Conn
	opened := time.Now()
	for i := 0; i < partialBodies+partialHeaders; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns = append(conns, c)
		req := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x\r\n"
		if i < partialBodies {
			req += "Content-Length: 1000\r\n\r\nAction=Get"
		}
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})

	// A normal client is answered promptly while they hang.
	var took []time.Duration
	for i := 0; i < 20; i++ {
		start := time.Now()
		harness.Must(client.GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
		took = append(took, time.Since(start))
	}
	if time.Since(opened) >= bodyTimeout {
		t.Logf("the normal calls outlasted the timeout (a loaded machine); their times are not judged")
	} else {
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		t.Logf("GetCallerIdentity beside %d stalled connections: median %v, max %v", len(conns), took[len(took)/2], took[len(took)-1])
		if took[len(took)/2] > 250*time.Millisecond {
			t.Errorf("median call took %v with %d stalled connections open: %v", took[len(took)/2], len(conns), took)
		}
	}

	// Every stalled connection is closed by the server.
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]int{}
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c net.Conn) {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			br := bufio.NewReader(c)
			what := "closed"
			if resp, err := http.ReadResponse(br, nil); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				what = fmt.Sprintf("%d %s", resp.StatusCode, codeOf(string(b)))
			}
			if _, err := br.ReadByte(); err != io.EOF && !isReset(err) {
				what = "still open: " + fmt.Sprint(err)
			}
			mu.Lock()
			statuses[what]++
			mu.Unlock()
		}(i, c)
	}
	wg.Wait()
	if statuses["400 RequestTimeout"] != partialBodies || statuses["closed"] != partialHeaders {
		t.Errorf("stalled connections ended as %v", statuses)
	}
	for _, c := range conns {
		c.Close()
	}
	ls.HTTPClient.CloseIdleConnections()
	harness.Eventually(t, 30*time.Second, "the server's goroutines to wind down", func() (bool, string) {
		n := runtime.NumGoroutine()
		return n <= before+5, fmt.Sprintf("%d goroutines, %d before the stalled connections", n, before)
	})
}

func codeOf(body string) string {
	_, rest, _ := strings.Cut(body, "<Code>")
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}
