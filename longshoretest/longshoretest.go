// Package longshoretest starts Longshore inside a Go test and hands back an
// aws.Config pointed at it: SDK integration tests with no Docker and no
// separate process.
//
//	func TestQueue(t *testing.T) {
//		ls := longshoretest.Start(t)
//		client := ecs.NewFromConfig(ls.Config)
//		...
//	}
package longshoretest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/longshore/longshore/internal/sdkhttp"
	"github.com/longshore/longshore/server"
	"github.com/longshore/longshore/services"
)

// Instance is a running in-process Longshore.
type Instance struct {
	URL    string
	Config aws.Config
	Server *server.Server
	// HTTPClient is the client the Config uses (with the request-body workaround).
	HTTPClient *http.Client
}

// Options change how an instance starts.
type Options struct {
	DB     string // SQLite file; empty = in memory
	Region string // default us-east-1
	// AccessKeyID selects the account: a 12-digit key is that account. Default "test".
	AccessKeyID string
	Logger      *slog.Logger
	// Services replaces the standard service set (protocol tests).
	Services func(services.Config) *services.Set
	// TimeScale makes all simulated time that many times faster (0 or 1 = real time).
	TimeScale float64
	// Runtime runs ECS tasks: "simulated" (default) or "docker" (real containers).
	Runtime string
	// EnforceIAM verifies signatures and enforces IAM policies (--enforce-iam).
	EnforceIAM bool
	// HeaderTimeout, BodyTimeout and IdleTimeout are the server's connection
	// timeouts (zero = server's defaults).
	HeaderTimeout, BodyTimeout, IdleTimeout time.Duration
}

// Start runs Longshore on a free loopback port until the test ends.
func Start(t testing.TB) *Instance { return StartWith(t, Options{}) }

// StartWith is Start with options.
func StartWith(t testing.TB, o Options) *Instance {
	t.Helper()
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID = "test"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		if os.Getenv("LONGSHORE_TEST_LOG") != "" {
			o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	srv, err := server.New(server.Config{DB: o.DB, Region: o.Region, Logger: o.Logger, Services: o.Services, TimeScale: o.TimeScale, Runtime: o.Runtime, EnforceIAM: o.EnforceIAM,
		HeaderTimeout: o.HeaderTimeout, BodyTimeout: o.BodyTimeout, IdleTimeout: o.IdleTimeout})
	if err != nil {
		t.Fatalf("longshoretest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatalf("longshoretest: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := srv.Start(ctx)
	hs := srv.HTTPServer()
	go hs.Serve(ln)
	url := "http://" + ln.Addr().String()
	hc := HTTPClient()
	inst := &Instance{URL: url, Server: srv, HTTPClient: hc, Config: Config(url, o.Region, o.AccessKeyID, hc)}
	t.Cleanup(func() {
		cancel()
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		hs.Shutdown(sctx)
		stop()
		srv.Close()
		hc.CloseIdleConnections()
	})
	return inst
}

// Config returns an aws.Config for a Longshore endpoint: static credentials,
// no retries (a failure is seen, not replayed into a double create).
func Config(url, region, accessKeyID string, hc *http.Client) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, "test", ""),
		HTTPClient:   hc,
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// HTTPClient returns the HTTP client for SDK clients of Longshore: it works
// around smithy-go's closed request body (internal/sdkhttp).
func HTTPClient() *http.Client { return sdkhttp.Client() }
