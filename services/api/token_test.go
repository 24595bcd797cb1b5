package api

import "testing"

func TestTokensRoundTripAndRefuseForgeries(t *testing.T) {
	tok := EncodeToken("ecs:ListClusters", 42)
	if n, err := DecodeToken("ecs:ListClusters", tok); err != nil || n != 42 {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := DecodeToken("ecs:ListServices", tok); err != ErrBadToken {
		t.Errorf("token accepted by another listing")
	}
	for _, forged := range []string{"x", "AAAAAAAAAAE", tok[:len(tok)-1] + "A", tok + "A"} {
		if _, err := DecodeToken("ecs:ListClusters", forged); err != ErrBadToken {
			t.Errorf("forged %q accepted", forged)
		}
	}
	cur := EncodeCursor("logs", "/ecs/web")
	if s, err := DecodeCursor("logs", cur); err != nil || s != "/ecs/web" {
		t.Fatalf("%q %v", s, err)
	}
	if _, err := DecodeCursor("other", cur); err != ErrBadToken {
		t.Errorf("cursor accepted by another listing")
	}
	if n, err := DecodeToken("any", ""); n != 0 || err != nil {
		t.Errorf("empty token: %d %v", n, err)
	}
}
