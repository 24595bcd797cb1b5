package catalog

import "testing"

func TestInstanceTypes(t *testing.T) {
	cases := []struct {
		name     string
		cpu, mem int32
		taskENIs int
		known    bool
	}{
		{"m5.xlarge", 4096, 15729, 3, true},
		{"t3.micro", 2048, 984, 1, true},
		{"C5.LARGE", 2048, 3840, 2, true},
		{"r5.24xlarge", 98304, 754975, 14, true},
		{"x1.32xlarge", 0, 0, 0, false},
	}
	for _, tc := range cases {
		it, ok := LookupInstanceType(tc.name)
		if ok != tc.known {
			t.Fatalf("%s known=%v", tc.name, ok)
		}
		if !ok {
			continue
		}
		if it.RegisteredCPU() != tc.cpu || it.RegisteredMemory() != tc.mem || it.TaskENIs() != tc.taskENIs {
			t.Errorf("%s: cpu %d mem %d enis %d", tc.name, it.RegisteredCPU(), it.RegisteredMemory(), it.TaskENIs())
		}
	}
}
