package ec2

import (
	"net/netip"
	"testing"
)

// Amazon-provided blocks are /56s of 2600:1f10::/28 in canonical text, the
// form a filter value printed by any IPv6 library takes. Enough draws that a
// leading zero or an unfolded zero group (one draw in eight, each) shows.
func TestAmazonIPv6BlockIsCanonical(t *testing.T) {
	pool := netip.MustParsePrefix("2600:1f10::/28")
	for range 2000 {
		s := amazonIPv6Block()
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Bits() != 56 || p.Masked() != p || !pool.Contains(p.Addr()) {
			t.Fatalf("block %q: %v", s, err)
		}
		if p.String() != s {
			t.Fatalf("block %q is not canonical: %q", s, p.String())
		}
	}
}
