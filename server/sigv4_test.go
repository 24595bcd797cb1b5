package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

// Vectors of AWS's SigV4 test suite (aws-sig-v4-test-suite: get-vanilla,
// get-vanilla-query-order-key-case), credentials AKIDEXAMPLE.
func TestSignatureVectors(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	for _, c := range []struct{ name, target, sig string }{
		{"get-vanilla", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"get-vanilla-query-order-key-case", "/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
	} {
		r := httptest.NewRequest("GET", c.target, nil)
		r.Host = "example.amazonaws.com"
		r.Header.Set("X-Amz-Date", "20150830T123600Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="+c.sig)
		sig, e := parseSignature(r)
		if e != sigOK {
			t.Fatalf("%s: parse: %d", c.name, e)
		}
		var keys signingKeys
		if !sig.verify(r, nil, secret, &keys) {
			t.Errorf("%s: the suite's signature does not verify", c.name)
		}
		if sig.verify(r, nil, secret+"x", &keys) {
			t.Errorf("%s: a wrong secret verifies", c.name)
		}
		if e := sig.checkTime(time.Date(2015, 8, 30, 12, 40, 0, 0, time.UTC)); e != sigOK {
			t.Errorf("%s: 4 minutes later: %d", c.name, e)
		}
		if e := sig.checkTime(time.Date(2015, 8, 30, 12, 42, 0, 0, time.UTC)); e != sigExpired {
			t.Errorf("%s: 6 minutes later: %d", c.name, e)
		}
	}
}

func TestSkewMessages(t *testing.T) {
	s := signature{Time: time.Date(2014, 3, 25, 14, 34, 53, 0, time.UTC)}
	now := time.Date(2014, 3, 25, 14, 52, 51, 0, time.UTC)
	if got, want := s.skewMessage(sigExpired, now), "Signature expired: 20140325T143453Z is now earlier than 20140325T144751Z (20140325T145251Z - 5 min.)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	now = time.Date(2014, 3, 25, 14, 20, 0, 0, time.UTC)
	if got, want := s.skewMessage(sigNotYetValid, now), "Signature not yet current: 20140325T143453Z is still later than 20140325T142500Z (20140325T142000Z + 5 min.)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
