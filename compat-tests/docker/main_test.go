// Package docker tests the Docker task runtime (--runtime docker) end to
// end: real containers from an image each run builds (FROM scratch and a
// static Go program, no registry), driven through aws-sdk-go-v2. Every test
// skips when no Docker Engine answers.
package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// testImage is the image the tests' task definitions name.
const testImage = "longshore-testapp:test"

var (
	skipReason string
	cli        *client.Client
)

func TestMain(m *testing.M) {
	code := func() int {
		if err := setup(); err != nil {
			skipReason = err.Error()
		}
		code := m.Run()
		if skipReason == "" {
			cli.ImageRemove(context.Background(), testImage, image.RemoveOptions{Force: true, PruneChildren: true})
		}
		return code
	}()
	os.Exit(code)
}

// setup reaches the engine and builds the test image once for the package.
func setup() error {
	var err error
	cli, err = client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return fmt.Errorf("no Docker client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx); err != nil {
		return fmt.Errorf("no Docker Engine answers (%v)", err)
	}
	dir, err := os.MkdirTemp("", "longshore-testapp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "app")
	cmd := exec.Command("go", "build", "-o", bin, "./testapp")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the test program: %v\n%s", err, out)
	}
	return buildImage(bin)
}

// buildImage builds FROM scratch with the program as /app, through the
// Engine API's build endpoint.
func buildImage(bin string) error {
	prog, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	var ctxTar bytes.Buffer
	tw := tar.NewWriter(&ctxTar)
	files := []struct {
		name string
		mode int64
		body []byte
	}{
		{"Dockerfile", 0o644, []byte("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\nCMD [\"serve\"]\n")},
		{"app", 0o755, prog},
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body))}); err != nil {
			return err
		}
		tw.Write(f.body)
	}
	tw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := cli.ImageBuild(ctx, &ctxTar, build.ImageBuildOptions{Tags: []string{testImage}, Remove: true, ForceRemove: true})
	if err != nil {
		return fmt.Errorf("building the test image: %v", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if _, err := cli.ImageInspect(ctx, testImage); err != nil {
		return fmt.Errorf("building the test image: %v\n%s", err, out)
	}
	return nil
}

// needDocker skips a test when the package could not reach Docker or build its image.
func needDocker(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip("Docker runtime tests need a Docker Engine: " + skipReason)
	}
}
