// Command longshore runs a local AWS endpoint for container workloads: ECS,
// Application Auto Scaling, ELBv2, IAM and STS on one port.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/longshore/longshore/scheduler/dockerrt"
	"github.com/longshore/longshore/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "longshore:", err)
		os.Exit(1)
	}
}

// env returns the environment variable's value, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envDuration is a duration from the environment, or def when unset or unparsable.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

// envFloat is a number from the environment, or def when unset or unparsable.
func envFloat(name string, def float64) float64 {
	if f, err := strconv.ParseFloat(env(name, ""), 64); err == nil {
		return f
	}
	return def
}

// envBool is a boolean from the environment (1, true, yes, on), false when unset.
func envBool(name string) bool {
	switch strings.ToLower(env(name, "")) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(env("LONGSHORE_LISTEN", "127.0.0.1:4566"))
	}
	fs := flag.NewFlagSet("longshore", flag.ContinueOnError)
	listen := fs.String("listen", env("LONGSHORE_LISTEN", "127.0.0.1:4566"), "address to listen on (LONGSHORE_LISTEN)")
	db := fs.String("db", env("LONGSHORE_DB", ""), "SQLite database file; empty keeps state in memory (LONGSHORE_DB)")
	region := fs.String("region", env("LONGSHORE_REGION", "us-east-1"), "region of requests that name none (LONGSHORE_REGION)")
	level := fs.String("log-level", env("LONGSHORE_LOG_LEVEL", "info"), "debug, info, warn or error (LONGSHORE_LOG_LEVEL)")
	startDelay := fs.Duration("task-start-delay", envDuration("LONGSHORE_TASK_START_DELAY", 0), "simulated time from PROVISIONING to RUNNING; 0 = 1s (LONGSHORE_TASK_START_DELAY)")
	stopDelay := fs.Duration("task-stop-delay", envDuration("LONGSHORE_TASK_STOP_DELAY", 0), "simulated time from DEACTIVATING to STOPPED; 0 = 1s (LONGSHORE_TASK_STOP_DELAY)")
	enforceIAM := fs.Bool("enforce-iam", envBool("LONGSHORE_ENFORCE_IAM"), "verify SigV4 signatures and enforce IAM policies on every call (LONGSHORE_ENFORCE_IAM)")
	timeScale := fs.Float64("time-scale", envFloat("LONGSHORE_TIME_SCALE", 1), "make all simulated time N times faster (LONGSHORE_TIME_SCALE)")
	runtime := fs.String("runtime", env("LONGSHORE_RUNTIME", "simulated"), "how ECS tasks run: simulated, or docker for real containers (LONGSHORE_RUNTIME)")
	lbPorts := fs.Bool("elbv2-listener-ports", envBool("LONGSHORE_ELBV2_LISTENER_PORTS"), "serve each load balancer listener on its own port on 127.0.0.1 where free, instead of an allocated one (LONGSHORE_ELBV2_LISTENER_PORTS)")
	headerTimeout := fs.Duration("header-timeout", envDuration("LONGSHORE_HEADER_TIMEOUT", server.DefaultHeaderTimeout), "time a client has to send a request's headers (LONGSHORE_HEADER_TIMEOUT)")
	bodyTimeout := fs.Duration("body-timeout", envDuration("LONGSHORE_BODY_TIMEOUT", server.DefaultBodyTimeout), "time a client has to send a request's body after its headers (LONGSHORE_BODY_TIMEOUT)")
	idleTimeout := fs.Duration("idle-timeout", envDuration("LONGSHORE_IDLE_TIMEOUT", server.DefaultIdleTimeout), "time an idle keep-alive connection stays open (LONGSHORE_IDLE_TIMEOUT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runtime != "simulated" && *runtime != "docker" {
		return fmt.Errorf("--runtime: %q is neither simulated nor docker", *runtime)
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(*level))); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	// One write to stderr per 50 ms rather than per request; errors at once.
	logw := server.NewLogWriter(os.Stderr, 50*time.Millisecond)
	defer logw.Close()
	log := server.NewBufferedLogger(logw, lv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *runtime == "docker" {
		if err := dockerrt.New(dockerrt.Config{}).Ping(ctx); err != nil {
			return fmt.Errorf("--runtime docker: no Docker Engine answers: %w", err)
		}
	}
	return server.Run(ctx, server.Config{Listen: *listen, DB: *db, Region: *region, Logger: log,
		AccessLog:      server.NewTextAccessLog(logw, lv),
		TaskStartDelay: *startDelay, TaskStopDelay: *stopDelay, TimeScale: *timeScale,
		Runtime: *runtime, EnforceIAM: *enforceIAM, ELBv2ListenerPorts: *lbPorts,
		HeaderTimeout: *headerTimeout, BodyTimeout: *bodyTimeout, IdleTimeout: *idleTimeout}, nil)
}

// healthcheck asks a running Longshore for its health (the container's HEALTHCHECK:
// the image has no shell or curl).
func healthcheck(listen string) error {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/_longshore/health")
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s", resp.Status)
	}
	return nil
}
