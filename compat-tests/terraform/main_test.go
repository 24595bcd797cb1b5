package terraform_test

import (
	"flag"
	"os"
	"testing"
)

// terraformParallel is how many scenarios run at once unless -test.parallel
// says otherwise. A scenario spends most of its time in the provider's own
// waits, not on the CPU, so more than GOMAXPROCS of them fit side by side.
const terraformParallel = "4"

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", terraformParallel)
	}
	os.Exit(m.Run())
}
