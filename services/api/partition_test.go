package api

import "testing"

func TestHasDNSSuffix(t *testing.T) {
	for host, want := range map[string]bool{
		"web-1.us-east-1.elb.amazonaws.com": true, "web-1.cn-north-1.elb.amazonaws.com.cn": true,
		"web-1.us-iso-east-1.elb.c2s.ic.gov": true, "web-1.us-isob-east-1.elb.sc2s.sgov.gov": true,
		"localhost": false, "example.com": false, "amazonaws.com.evil": false,
	} {
		if got := HasDNSSuffix(host); got != want {
			t.Errorf("%s: %v, want %v", host, got, want)
		}
	}
}
