package ec2

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// Regions are the commercial regions DescribeRegions lists.
var Regions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1",
}

// AvailabilityZones lists the zones of a region; the default VPC has one
// subnet in each (zone i gets 172.31.16*i.0/20).
func AvailabilityZones(region string) []string {
	letters := "abc"
	switch region {
	case "us-east-1":
		letters = "abcdef"
	case "us-west-2", "ap-northeast-1", "eu-west-1":
		letters = "abcd"
	}
	zones := make([]string, len(letters))
	for i, l := range letters {
		zones[i] = region + string(l)
	}
	return zones
}

// ZoneID is the zone id of a zone name (us-east-1a → use1-az1).
func ZoneID(zone string) string {
	if len(zone) < 2 {
		return ""
	}
	region, letter := zone[:len(zone)-1], zone[len(zone)-1]
	return regionCode(region) + "-az" + strconv.Itoa(int(letter-'a')+1)
}

// regionCode abbreviates a region as zone ids do (ap-northeast-1 → apne1).
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}[parts[1]]
	return parts[0] + dir + parts[2]
}

// zoneIndex is the position of a zone in its region, or -1.
func zoneIndex(region, zone string) int {
	for i, z := range AvailabilityZones(region) {
		if z == zone {
			return i
		}
	}
	return -1
}

// zoneByID returns the zone name of a zone id of region.
func zoneByID(region, id string) string {
	for _, z := range AvailabilityZones(region) {
		if ZoneID(z) == id {
			return z
		}
	}
	return ""
}

func registerZones(s *api.Service) {
	handle(s, "DescribeAvailabilityZones", describeAvailabilityZones)
	handle(s, "DescribeRegions", describeRegions)
	handle(s, "DescribeAccountAttributes", describeAccountAttributes)
}

func zoneDoc(region, z string) *types.AvailabilityZone {
	return &types.AvailabilityZone{
		ZoneName: aws.String(z), ZoneId: aws.String(ZoneID(z)), RegionName: aws.String(region),
		State: types.AvailabilityZoneStateAvailable, OptInStatus: types.AvailabilityZoneOptInStatusOptInNotRequired,
		ZoneType: aws.String("availability-zone"), GroupName: aws.String(region + "-zg-1"),
		GroupLongName: aws.String(region), NetworkBorderGroup: aws.String(region), Messages: []types.AvailabilityZoneMessage{},
	}
}

func describeAvailabilityZones(c *api.Context, in *sdk.DescribeAvailabilityZonesInput) (*sdk.DescribeAvailabilityZonesOutput, error) {
	var zones []*types.AvailabilityZone
	for _, z := range AvailabilityZones(c.Region) {
		zones = append(zones, zoneDoc(c.Region, z))
	}
	for _, id := range in.ZoneIds {
		if zoneByID(c.Region, id) == "" {
			return nil, apierror.New("InvalidParameterValue", "The zone '%s' does not exist.", id)
		}
	}
	for _, n := range in.ZoneNames {
		if zoneIndex(c.Region, n) < 0 {
			return nil, apierror.New("InvalidParameterValue", "The zone '%s' does not exist.", n)
		}
	}
	var out []types.AvailabilityZone
	for _, z := range zones {
		if len(in.ZoneIds) > 0 && !inList(in.ZoneIds, *z.ZoneId) || len(in.ZoneNames) > 0 && !inList(in.ZoneNames, *z.ZoneName) {
			continue
		}
		f := fields{}
		f.addPtr("zone-name", z.ZoneName)
		f.addPtr("zone-id", z.ZoneId)
		f.addPtr("region-name", z.RegionName)
		f.add("state", string(z.State))
		f.addPtr("zone-type", z.ZoneType)
		f.addPtr("group-name", z.GroupName)
		f.addPtr("group-long-name", z.GroupLongName)
		f.add("opt-in-status", string(z.OptInStatus))
		f.addPtr("network-border-group", z.NetworkBorderGroup)
		ok, err := matchFilters(in.Filters, f, nil, func(n string) bool {
			_, known := f[n]
			return known || n == "message" || n == "parent-zone-id" || n == "parent-zone-name"
		})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, *z)
		}
	}
	return &sdk.DescribeAvailabilityZonesOutput{AvailabilityZones: out}, nil
}

func describeRegions(c *api.Context, in *sdk.DescribeRegionsInput) (*sdk.DescribeRegionsOutput, error) {
	var out []types.Region
	for _, r := range Regions {
		if len(in.RegionNames) > 0 && !inList(in.RegionNames, r) {
			continue
		}
		f := fields{"region-name": {r}, "endpoint": {"ec2." + r + ".amazonaws.com"}, "opt-in-status": {"opt-in-not-required"}}
		ok, err := matchFilters(in.Filters, f, nil, func(n string) bool { _, known := f[n]; return known })
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, types.Region{RegionName: aws.String(r), Endpoint: aws.String("ec2." + r + ".amazonaws.com"), OptInStatus: aws.String("opt-in-not-required")})
		}
	}
	for _, r := range in.RegionNames {
		if !inList(Regions, r) {
			return nil, apierror.New("InvalidParameterValue", "Invalid region name %s", r)
		}
	}
	return &sdk.DescribeRegionsOutput{Regions: out}, nil
}

func describeAccountAttributes(c *api.Context, in *sdk.DescribeAccountAttributesInput) (*sdk.DescribeAccountAttributesOutput, error) {
	d, err := defaultsSet.Get(c.Tx, c.Scope(), "default")
	if err != nil {
		return nil, err
	}
	defVpc := "none"
	if d != nil {
		if v, _ := vpcs.Get(c.Tx, c.Scope(), d.VpcID); v != nil {
			defVpc = d.VpcID
		}
	}
	attrs := []struct {
		name   string
		values []string
	}{
		{"supported-platforms", []string{"VPC"}},
		{"vpc-max-security-groups-per-interface", []string{"5"}},
		{"max-elastic-ips", []string{"5"}},
		{"max-instances", []string{"20"}},
		{"vpc-max-elastic-ips", []string{"5"}},
		{"default-vpc", []string{defVpc}},
	}
	var out []types.AccountAttribute
	for _, a := range attrs {
		if len(in.AttributeNames) > 0 && !inList(attrNames(in.AttributeNames), a.name) {
			continue
		}
		aa := types.AccountAttribute{AttributeName: aws.String(a.name)}
		for _, v := range a.values {
			aa.AttributeValues = append(aa.AttributeValues, types.AccountAttributeValue{AttributeValue: aws.String(v)})
		}
		out = append(out, aa)
	}
	return &sdk.DescribeAccountAttributesOutput{AccountAttributes: out}, nil
}

func attrNames(ns []types.AccountAttributeName) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return out
}

func inList(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
