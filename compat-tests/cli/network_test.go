package cli_test

import "strings"

// defaultSubnets are the default VPC's subnets, fetched as the README shows,
// ordered by zone: what a configuration with no network of its own uses.
func (s *session) defaultSubnets() []string {
	s.t.Helper()
	return strings.Fields(s.text("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true",
		"--query", "sort_by(Subnets, &AvailabilityZone)[].SubnetId"))
}

// defaultVPC is the default VPC's id.
func (s *session) defaultVPC() string {
	s.t.Helper()
	return s.text("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true", "--query", "Vpcs[0].VpcId")
}

// defaultGroup is the default VPC's default security group.
func (s *session) defaultGroup() string {
	s.t.Helper()
	return s.text("ec2", "describe-security-groups", "--filters", "Name=vpc-id,Values="+s.defaultVPC(), "Name=group-name,Values=default",
		"--query", "SecurityGroups[0].GroupId")
}
