// Command testapp is the program inside the image the Docker runtime's
// tests build (FROM scratch, compiled static): what it does comes from its
// arguments, so that one image serves every test.
//
//	serve            print a line, answer HTTP on :8080 ("ok HOSTNAME", or
//	                 "$ANSWER HOSTNAME" when ANSWER is set), exit 0 on SIGTERM
//	echo WORDS...    print the words, then serve
//	exit N           print a line and exit with code N after a moment
//	health ok|fail   a health check command: exit 0 or 1
//	meta             print the task ARN the metadata endpoint v4 reports, then serve
//	env NAMES...     print NAME=value for each, the working directory and the uid, then serve
//	whoami           print the caller identity STS reports through the SDK's own credential chain, then serve
//	listclusters     whoami, then print what ECS ListClusters answers (or its error code and message), then serve
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"serve"}
	}
	switch args[0] {
	case "health":
		if len(args) > 1 && args[1] == "fail" {
			os.Exit(1)
		}
		return
	case "exit":
		code, _ := strconv.Atoi(args[1])
		fmt.Println("exiting with", code)
		time.Sleep(500 * time.Millisecond)
		os.Exit(code)
	case "echo":
		fmt.Println(strings.Join(args[1:], " "))
	case "meta":
		meta()
	case "whoami":
		whoami()
	case "listclusters":
		whoami()
		listClusters()
	case "env":
		for _, n := range args[1:] {
			fmt.Printf("ENV %s=%s\n", n, os.Getenv(n))
		}
		wd, _ := os.Getwd()
		fmt.Println("CWD", wd)
		fmt.Println("UID", os.Getuid())
	}
	serve()
}

func serve() {
	fmt.Println("serving on :8080")
	host, _ := os.Hostname()
	answer := os.Getenv("ANSWER")
	if answer == "" {
		answer = "ok"
	}
	go http.ListenAndServe(":8080", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, answer, host)
	}))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	fmt.Println("stopping on SIGTERM")
	os.Exit(0)
}

func meta() {
	resp, err := http.Get(os.Getenv("ECS_CONTAINER_METADATA_URI_V4") + "/task")
	if err != nil {
		fmt.Println("META ERR", err)
		return
	}
	defer resp.Body.Close()
	var doc struct {
		TaskARN    string
		Containers []struct{ Name, DockerId string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		fmt.Println("META ERR", err)
		return
	}
	fmt.Println("META", doc.TaskARN, len(doc.Containers))
}

func whoami() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println("WHOAMI ERR", err)
		return
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Println("WHOAMI ERR", strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	fmt.Println("WHOAMI", aws.ToString(out.Arn))
}

func listClusters() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Println("LISTCLUSTERS ERR", err)
		return
	}
	out, err := ecs.NewFromConfig(cfg).ListClusters(ctx, &ecs.ListClustersInput{})
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		fmt.Println("LISTCLUSTERS ERR", ae.ErrorCode()+":", ae.ErrorMessage())
	case err != nil:
		fmt.Println("LISTCLUSTERS ERR", strings.ReplaceAll(err.Error(), "\n", " "))
	default:
		fmt.Println("LISTCLUSTERS", strings.Join(out.ClusterArns, " "))
	}
}
