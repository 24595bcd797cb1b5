package ecs

import (
	"encoding/binary"
	"hash/fnv"
	"net/netip"
	"strings"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/ec2"
	"github.com/longshore/longshore/store"
)

// Subnet ids EC2 never saw stand in for a subnet of the default
// VPC 172.31.0.0/16 (see network.go; this allocator serves them only when the
// zone's default subnet is gone), which has one /20 per availability zone (172.31.0.0/20 in
// the first zone, 172.31.16.0/20 in the second …), as AWS's default VPC does.
// Subnet ids are mapped to a zone by hash, so one id always lands in one zone;
// different ids that land in the same zone share its /20, and addresses are
// therefore allocated per /20, never per subnet id.

// subnetCursors: id = CIDR block; where the next allocation search starts.
var subnetCursors = store.Collection[subnetCursor]{Kind: "ecs/subnet-cursor"}

// ipAddresses: id = "CIDR|address", Parent = CIDR, Name = owner (a task ARN).
var ipAddresses = store.Collection[ipAddress]{Kind: "ecs/ip-address"}

type subnetCursor struct {
	Next uint32
}

type ipAddress struct {
	Address string
	Owner   string
}

// AvailabilityZones lists the zones of a region that default subnets spread
// over: EC2's zones, so that a stand-in's zone has a default subnet.
func AvailabilityZones(region string) []string { return ec2.AvailabilityZones(region) }

// SubnetPlacement returns the availability zone and the CIDR block that a
// subnet id stands for in region.
func SubnetPlacement(region, subnetID string) (zone string, cidr netip.Prefix) {
	zones := AvailabilityZones(region)
	h := fnv.New32a()
	h.Write([]byte(subnetID))
	i := int(h.Sum32() % uint32(len(zones)))
	return zones[i], ZoneCIDR(i)
}

// ZoneCIDR is the default VPC's /20 of the i-th availability zone.
func ZoneCIDR(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 31, byte(16 * i), 0}), 20)
}

// AllocateIP hands out a free private IPv4 address of the subnet to owner.
// AWS reserves the first four addresses and the last one of every subnet.
// An address stays taken until ReleaseIP.
func AllocateIP(c *api.Context, subnetID, owner string) (netip.Addr, error) {
	_, cidr := SubnetPlacement(c.Region, subnetID)
	key := cidr.String()
	base := binary.BigEndian.Uint32(cidr.Addr().AsSlice())
	size := uint32(1) << (32 - cidr.Bits())
	first, last := uint32(4), size-2 // usable host offsets
	cur, err := subnetCursors.Get(c.Tx, c.Scope(), key)
	if err != nil {
		return netip.Addr{}, err
	}
	if cur == nil || cur.Next < first || cur.Next > last {
		cur = &subnetCursor{Next: first}
	}
	for tries := uint32(0); tries <= last-first; tries++ {
		off := cur.Next
		cur.Next++
		if cur.Next > last {
			cur.Next = first
		}
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], base+off)
		addr := netip.AddrFrom4(b)
		id := key + "|" + addr.String()
		taken, err := ipAddresses.Get(c.Tx, c.Scope(), id)
		if err != nil {
			return netip.Addr{}, err
		}
		if taken != nil {
			continue
		}
		if err := ipAddresses.Put(c.Tx, c.Scope(), id, store.Index{Parent: key, Name: owner}, &ipAddress{Address: addr.String(), Owner: owner}); err != nil {
			return netip.Addr{}, err
		}
		if err := subnetCursors.Put(c.Tx, c.Scope(), key, store.Index{}, cur); err != nil {
			return netip.Addr{}, err
		}
		return addr, nil
	}
	return netip.Addr{}, apierror.New("InvalidParameterException",
		"There are insufficient free IP addresses in subnet %s to launch the task.", subnetID)
}

// ReleaseIP returns an address of the subnet to the free pool.
func ReleaseIP(c *api.Context, subnetID string, addr netip.Addr) error {
	_, cidr := SubnetPlacement(c.Region, subnetID)
	_, err := ipAddresses.Delete(c.Tx, c.Scope(), cidr.String()+"|"+addr.String())
	return err
}

// PrivateDNSName is the EC2 host name of a private address in region.
func PrivateDNSName(region string, addr netip.Addr) string {
	host := "ip-" + strings.ReplaceAll(addr.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}
