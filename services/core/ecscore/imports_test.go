package ecscore

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The core packages sit below every service and the cluster manager: they may
// import store, protocol, services/api and services/core only.
func TestCoreImportsStayBelowTheServices(t *testing.T) {
	const mod = "github.com/longshore/longshore/"
	allowed := []string{"store", "protocol", "services/api", "services/core/"}
	for _, dir := range []string{".", "../catalog", "../placement"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no files in %s", dir)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range file.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				rest, ok := strings.CutPrefix(p, mod)
				if !ok {
					continue
				}
				okay := false
				for _, a := range allowed {
					if rest == a || strings.HasPrefix(rest, a+"/") || (strings.HasSuffix(a, "/") && strings.HasPrefix(rest, a)) {
						okay = true
					}
				}
				if !okay {
					t.Errorf("%s imports %s", f, p)
				}
			}
		}
	}
}
