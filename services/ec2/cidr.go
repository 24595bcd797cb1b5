package ec2

import (
	"encoding/binary"
	"net/netip"

	"github.com/longshore/longshore/protocol/apierror"
)

// parseCIDR reads an IPv4 CIDR block whose host bits are zero.
func parseCIDR(s, param string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, apierror.New("InvalidParameterValue", "Value (%s) for parameter %s is invalid. This is not a valid CIDR block.", s, param)
	}
	return p, nil
}

// overlaps reports whether two prefixes share an address.
func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// contains reports whether prefix inner lies wholly inside outer.
func contains(outer, inner netip.Prefix) bool {
	return inner.Bits() >= outer.Bits() && outer.Contains(inner.Addr())
}

// usableAddresses is how many addresses of a subnet EC2 can hand out: AWS
// reserves the first four and the last one.
func usableAddresses(p netip.Prefix) int {
	return 1<<(32-p.Bits()) - 5
}

// hostOffsets is the range of usable host offsets within a subnet.
func hostOffsets(p netip.Prefix) (first, last uint32) {
	return 4, uint32(1)<<(32-p.Bits()) - 2
}

// addrAt is the address at offset off of a prefix.
func addrAt(p netip.Prefix, off uint32) netip.Addr {
	base := binary.BigEndian.Uint32(p.Addr().AsSlice())
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], base+off)
	return netip.AddrFrom4(b)
}
