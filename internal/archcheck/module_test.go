// Package archcheck holds tests of the code's architecture: which package may
// import which (layers_test.go), no wiring through package state
// (wiring_test.go), and SQL only inside store/ (sql_test.go).
package archcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sourceFile is one non-test Go file of the module, parsed.
type sourceFile struct {
	dir  string // the package's folder relative to the module root, "/"-separated ("" for the root)
	file *ast.File
}

// moduleSources parses every non-test Go file of the module (not under
// hidden folders, testdata or vendor) and fails the test when it finds
// suspiciously few.
func moduleSources(t *testing.T) (*token.FileSet, []sourceFile) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found two folders up: %v", err)
	}
	fset := token.NewFileSet()
	var out []sourceFile
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		if dir == "." {
			dir = ""
		}
		out = append(out, sourceFile{dir: dir, file: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("parsed only %d files under %s", len(out), root)
	}
	return fset, out
}
