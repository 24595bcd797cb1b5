package server

import "testing"

func TestSplitRPCPath(t *testing.T) {
	cases := []struct {
		path, service, op string
		ok                bool
	}{
		{"/service/GraniteServiceVersion20100801/operation/ListMetrics", "GraniteServiceVersion20100801", "ListMetrics", true},
		{"/prefix/service/Svc/operation/Op", "Svc", "Op", true},
		{"/service/Svc/operation/", "", "", false},
		{"/service//operation/Op", "", "", false},
		{"/service/Svc/operation/Op/extra", "", "", false},
		{"/service/Svc", "", "", false},
		{"/", "", "", false},
	}
	for _, c := range cases {
		s, op, ok := splitRPCPath(c.path)
		if s != c.service || op != c.op || ok != c.ok {
			t.Errorf("%s: %q %q %v", c.path, s, op, ok)
		}
	}
}
