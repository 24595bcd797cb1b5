package archcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlText matches SQL statements in string literals.
var sqlText = regexp.MustCompile(`\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\S+\s+SET\b|\bDELETE\s+FROM\b|\btotal_changes\(\)`)

// sqlCalls are the methods of database/sql (and of Tx) that run statements.
var sqlCalls = map[string]bool{"Query": true, "QueryRow": true, "Exec": true,
	"QueryContext": true, "QueryRowContext": true, "ExecContext": true, "Prepare": true, "PrepareContext": true}

// sqlImports are the packages that reach the database directly.
var sqlImports = map[string]bool{"database/sql": true, "modernc.org/sqlite": true}

// sqlViolations reports the places in a file that reach SQL other than
// through the store's API: SQL in string literals, calls that run statements
// on something other than a package (r.URL.Query() has no argument and
// harness.Query is a function), and imports of the SQL packages.
func sqlViolations(fset *token.FileSet, f *ast.File) []string {
	var out []string
	pkgs := map[string]bool{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if sqlImports[p] {
			out = append(out, fset.Position(im.Pos()).String()+": imports "+p)
		}
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		pkgs[name] = true
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && sqlText.MatchString(s) {
					out = append(out, fset.Position(n.Pos()).String()+": SQL in a string: "+n.Value)
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || !sqlCalls[sel.Sel.Name] || len(n.Args) == 0 {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && pkgs[id.Name] {
				return true // a package's function
			}
			out = append(out, fset.Position(n.Pos()).String()+": calls ."+sel.Sel.Name)
		}
		return true
	})
	return out
}

func TestSQLCheckerFindsRawSQL(t *testing.T) {
	src := `package p
import (
	"database/sql"
	"example.com/harness"
)
func f(tx *T, r *R) {
	tx.Query("x = ?", 1)
	tx.QueryRow(q)
	c.Tx.Exec(q, 1)
	_ = "SELECT id FROM resources WHERE kind = ?"
	_ = ` + "`DELETE FROM log_events`" + `
	_ = "INSERT INTO t (a) VALUES (1)"
	_ = "UPDATE resources SET doc = ?"
	_ = "SELECT total_changes()"
	// Not SQL:
	r.URL.Query()
	harness.Query(t, ls, "ec2", "Action=CreateSubnet")
	_ = "Select the update from the list"
	_ = "UPDATE_COMPLETE"
	_ = "DELETED"
}
var _ sql.DB
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := sqlViolations(fset, f)
	if len(got) != 9 {
		t.Fatalf("found %d violations, want 9 (one import, three calls, five strings):\n%s", len(got), strings.Join(got, "\n"))
	}
}

// TestOnlyTheStoreSpeaksSQL fails when a non-test Go file of the module
// outside store/ runs SQL itself: every table is reached through the store's API.
func TestOnlyTheStoreSpeaksSQL(t *testing.T) {
	fset, files := moduleSources(t)
	var bad []string
	for _, f := range files {
		if f.dir != "store" && !strings.HasPrefix(f.dir, "store/") {
			bad = append(bad, sqlViolations(fset, f.file)...)
		}
	}
	if len(bad) > 0 {
		t.Errorf("SQL outside store/ (add a store method instead):\n%s", strings.Join(bad, "\n"))
	}
}
