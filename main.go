// Command longshore runs a local AWS endpoint for container workloads: ECS,
// Application Auto Scaling, ELBv2, IAM and STS on one port.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

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

func run(args []string) error {
	fs := flag.NewFlagSet("longshore", flag.ContinueOnError)
	listen := fs.String("listen", env("LONGSHORE_LISTEN", "127.0.0.1:4566"), "address to listen on (LONGSHORE_LISTEN)")
	db := fs.String("db", env("LONGSHORE_DB", ""), "SQLite database file; empty keeps state in memory (LONGSHORE_DB)")
	region := fs.String("region", env("LONGSHORE_REGION", "us-east-1"), "region of requests that name none (LONGSHORE_REGION)")
	level := fs.String("log-level", env("LONGSHORE_LOG_LEVEL", "info"), "debug, info, warn or error (LONGSHORE_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(*level))); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Run(ctx, server.Config{Listen: *listen, DB: *db, Region: *region, Logger: log}, nil)
}
