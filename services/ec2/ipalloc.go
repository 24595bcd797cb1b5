package ec2

import (
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// ipCursors: id = subnet; where the next address search starts, so that a
// released address is not handed out again at once.
var ipCursors = store.Collection[ipCursor]{Kind: "ec2/ip-cursor"}

type ipCursor struct{ Next uint32 }

// allocateIP takes a free private address of a subnet for owner (or the
// wanted one when given). AWS reserves the first four addresses and the last.
func allocateIP(c *api.Context, s *types.Subnet, owner, want string) (netip.Addr, error) {
	cidr, err := netip.ParsePrefix(aws.ToString(s.CidrBlock))
	if err != nil {
		return netip.Addr{}, err
	}
	vpc, subnet := aws.ToString(s.VpcId), aws.ToString(s.SubnetId)
	take := func(a netip.Addr) error {
		return ipUses.Put(c.Tx, c.Scope(), vpc+"|"+a.String(), store.Index{Parent: subnet, Name: owner}, &ipUse{Address: a.String(), Owner: owner})
	}
	first, last := hostOffsets(cidr)
	if want != "" {
		a, err := netip.ParseAddr(want)
		if err != nil || !cidr.Contains(a) {
			return netip.Addr{}, invalidParam("Address does not fall within the subnet's address range")
		}
		if a.Compare(addrAt(cidr, first)) < 0 || a.Compare(addrAt(cidr, last)) > 0 {
			return netip.Addr{}, invalidParam("The address %s is reserved by AWS", want)
		}
		used, err := ipUses.Get(c.Tx, c.Scope(), vpc+"|"+a.String())
		if err != nil {
			return netip.Addr{}, err
		}
		if used != nil {
			return netip.Addr{}, apiErr("InvalidIPAddress.InUse", "Address %s is in use.", want)
		}
		return a, take(a)
	}
	cur, err := ipCursors.Get(c.Tx, c.Scope(), subnet)
	if err != nil {
		return netip.Addr{}, err
	}
	if cur == nil || cur.Next < first || cur.Next > last {
		cur = &ipCursor{Next: first}
	}
	for tries := uint32(0); tries <= last-first; tries++ {
		off := cur.Next
		cur.Next++
		if cur.Next > last {
			cur.Next = first
		}
		a := addrAt(cidr, off)
		used, err := ipUses.Get(c.Tx, c.Scope(), vpc+"|"+a.String())
		if err != nil {
			return netip.Addr{}, err
		}
		if used != nil {
			continue
		}
		if err := take(a); err != nil {
			return netip.Addr{}, err
		}
		return a, ipCursors.Put(c.Tx, c.Scope(), subnet, store.Index{}, cur)
	}
	return netip.Addr{}, apiErr("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", subnet)
}

func releaseIP(c *api.Context, vpcID, addr string) error {
	_, err := ipUses.Delete(c.Tx, c.Scope(), vpcID+"|"+addr)
	return err
}

// PrivateDNSName is the EC2 host name of a private address in region.
func PrivateDNSName(region string, addr string) string {
	host := "ip-" + strings.ReplaceAll(addr, ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

// PublicDNSName is the EC2 host name of a public address in region.
func PublicDNSName(region string, addr string) string {
	host := "ec2-" + strings.ReplaceAll(addr, ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

// macAddress is a random locally administered MAC address, as EC2 gives ENIs.
func macAddress() string {
	h := api.HexID(10)
	parts := []string{"0e"}
	for i := 0; i < 10; i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// publicIP is a random address of the 3.x/54.x ranges EC2 hands out.
func publicIP() string {
	h := api.HexID(6)
	b := []byte{54, 0, 0, 0}
	for i := 0; i < 3; i++ {
		v := 0
		for _, ch := range h[2*i : 2*i+2] {
			v = v*16 + strings.IndexRune("0123456789abcdef", ch)
		}
		b[i+1] = byte(v)
	}
	if b[3] == 0 || b[3] == 255 {
		b[3] = 10
	}
	return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]}).String()
}
