package autoscaling

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// DefaultMaxGroups is AWS's default quota of groups per account and region.
const DefaultMaxGroups = 500

func registerGroups(s *api.Service, h *handlers) {
	api.Handle(s, "CreateAutoScalingGroup", h.createGroup)
	api.Handle(s, "UpdateAutoScalingGroup", h.updateGroup)
	api.Handle(s, "DeleteAutoScalingGroup", deleteGroup)
	api.Handle(s, "DescribeAutoScalingGroups", describeGroups)
	api.Handle(s, "SetDesiredCapacity", setDesiredCapacity)
	api.Handle(s, "SuspendProcesses", suspendProcesses)
	api.Handle(s, "ResumeProcesses", resumeProcesses)
	api.Handle(s, "EnableMetricsCollection", enableMetrics)
	api.Handle(s, "DisableMetricsCollection", disableMetrics)
}

// GroupARN is a group's ARN; the id part is a UUID fixed at creation.
func GroupARN(c *api.Context, id, name string) string {
	return c.ARNPrefix() + "autoscaling:" + c.Region + ":" + c.Account() + ":autoScalingGroup:" + id + ":autoScalingGroupName/" + name
}

// GroupNameFromARN returns the name in a group ARN, or the reference itself.
func GroupNameFromARN(ref string) string {
	if i := strings.Index(ref, ":autoScalingGroupName/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		return ref[i+len(":autoScalingGroupName/"):]
	}
	return ref
}

func serviceLinkedRole(c *api.Context) string {
	return c.ARNPrefix() + "iam::" + c.Account() + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

// loadGroup returns a group that exists (and is not being deleted), or nil.
func loadGroup(c *api.Context, name string) (*groupDoc, error) {
	g, err := Groups.Get(c.Tx, c.Scope(), name)
	if err != nil || g == nil {
		return nil, err
	}
	return g, nil
}

// mustGroup returns a group or AWS's "not found" ValidationError.
func mustGroup(c *api.Context, name string) (*groupDoc, error) {
	g, err := loadGroup(c, name)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, errGroupNotFound(name)
	}
	return g, nil
}

func putGroup(c *api.Context, g *groupDoc) error {
	name := aws.ToString(g.Group.AutoScalingGroupName)
	status := "active"
	if g.Deleting {
		status = "deleting"
	}
	return Groups.Put(c.Tx, c.Scope(), name, store.Index{Name: name, Status: status}, g)
}

// checkCapacity applies AWS's rules for min, max and desired capacity.
func checkCapacity(minSize, maxSize, desired int32) error {
	if minSize < 0 || maxSize < 0 {
		return errValidation("Min and max sizes must be non-negative.")
	}
	if maxSize < minSize {
		return errValidation("Max bound, %d, must be greater than or equal to min bound, %d", maxSize, minSize)
	}
	if desired < minSize || desired > maxSize {
		return errValidation("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, minSize, maxSize)
	}
	return nil
}

// launchSource checks that exactly one way to launch instances is given and
// resolves its launch template.
func launchSource(c *api.Context, ec Compute, lt *types.LaunchTemplateSpecification, lc *string, mip *types.MixedInstancesPolicy, instanceID *string) (*Template, error) {
	n := 0
	for _, given := range []bool{lt != nil, lc != nil, mip != nil, instanceID != nil} {
		if given {
			n++
		}
	}
	if n != 1 {
		return nil, errValidation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	switch {
	case lc != nil:
		return configTemplate(c, aws.ToString(lc))
	case instanceID != nil:
		return nil, errValidation("Instance Id not found - No instance with id %s found", aws.ToString(instanceID))
	case mip != nil:
		if mip.LaunchTemplate == nil || mip.LaunchTemplate.LaunchTemplateSpecification == nil {
			return nil, errValidation("A launch template must be specified in the mixed instances policy.")
		}
		lt = mip.LaunchTemplate.LaunchTemplateSpecification
	}
	if lt.LaunchTemplateId != nil && lt.LaunchTemplateName != nil {
		return nil, errValidation("Valid requests must contain either launchTemplateId or LaunchTemplateName parameter, but not both.")
	}
	if lt.LaunchTemplateId == nil && lt.LaunchTemplateName == nil {
		return nil, errValidation("Valid requests must contain either launchTemplateId or LaunchTemplateName parameter.")
	}
	if ec == nil {
		return nil, errValidation("You must use a valid fully-formed launch template. The launch template could not be found.")
	}
	return ec.Template(c, *lt)
}

// placementOf resolves a group's subnets and zones: the zones of its subnets
// when VPCZoneIdentifier is given, else the zones asked for.
func placementOf(c *api.Context, ec Compute, vpcZoneIdentifier *string, zones []string) (string, []string, error) {
	subnets := splitSubnets(aws.ToString(vpcZoneIdentifier))
	if len(subnets) == 0 && len(zones) == 0 {
		return "", nil, errValidation("At least one Availability Zone or VPC Subnet is required.")
	}
	if ec == nil {
		return "", nil, errValidation("At least one Availability Zone or VPC Subnet is required.")
	}
	var out []string
	if len(subnets) > 0 {
		for _, s := range subnets {
			z, err := ec.SubnetZone(c, s)
			if err != nil {
				return "", nil, err
			}
			if z == "" {
				return "", nil, errValidation("The subnet ID '%s' does not exist", s)
			}
			if !slices.Contains(out, z) {
				out = append(out, z)
			}
		}
		slices.Sort(out)
		return strings.Join(subnets, ","), out, nil
	}
	known, err := ec.Zones(c)
	if err != nil {
		return "", nil, err
	}
	for _, z := range zones {
		if !slices.Contains(known, z) {
			return "", nil, errValidation("The availability zone '%s' is not legal for this call.", z)
		}
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.Sort(out)
	return "", out, nil
}

func splitSubnets(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

var terminationPolicyNames = []string{"Default", "AllocationStrategy", "OldestLaunchTemplate", "OldestLaunchConfiguration",
	"ClosestToNextInstanceHour", "NewestInstance", "OldestInstance"}

func checkTerminationPolicies(ps []string) error {
	for _, p := range ps {
		if !slices.Contains(terminationPolicyNames, p) && !strings.HasPrefix(p, "arn:aws:lambda:") {
			return errValidation("Termination policy '%s' is not valid.", p)
		}
	}
	return nil
}

func checkHealthCheckType(t *string) error {
	if t == nil {
		return nil
	}
	for _, part := range strings.Split(*t, ",") {
		if !slices.Contains([]string{"EC2", "ELB", "VPC_LATTICE", "EBS"}, strings.TrimSpace(part)) {
			return errValidation("Health check type must be one of EC2, ELB, VPC_LATTICE or EBS.")
		}
	}
	return nil
}

func (h *handlers) createGroup(c *api.Context, in *autoscaling.CreateAutoScalingGroupInput) (*autoscaling.CreateAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	existing, err := loadGroup(c, name)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, errAlreadyExists("AutoScalingGroup by this name already exists - A group with the name %s already exists", name)
	}
	n, err := Groups.Count(c.Tx, c.Scope(), store.Query{})
	if err != nil {
		return nil, err
	}
	if n >= h.MaxGroups {
		return nil, errLimitExceeded("You have reached your limit of %d Auto Scaling groups.", h.MaxGroups)
	}
	minSize, maxSize := aws.ToInt32(in.MinSize), aws.ToInt32(in.MaxSize)
	desired := minSize
	if in.DesiredCapacity != nil {
		desired = *in.DesiredCapacity
	}
	if err := checkCapacity(minSize, maxSize, desired); err != nil {
		return nil, err
	}
	if err := checkTerminationPolicies(in.TerminationPolicies); err != nil {
		return nil, err
	}
	if err := checkHealthCheckType(in.HealthCheckType); err != nil {
		return nil, err
	}
	if _, err := launchSource(c, h.EC2, in.LaunchTemplate, in.LaunchConfigurationName, in.MixedInstancesPolicy, in.InstanceId); err != nil {
		return nil, err
	}
	subnets, zones, err := placementOf(c, h.EC2, in.VPCZoneIdentifier, in.AvailabilityZones)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkLoadBalancerNames(in.LoadBalancerNames); err != nil {
		return nil, err
	}
	if err := checkTargetGroups(c, in.TargetGroupARNs); err != nil {
		return nil, err
	}
	if _, err := trafficTargetGroups(in.TrafficSources); err != nil {
		return nil, err
	}
	if tgs, _ := trafficTargetGroups(in.TrafficSources); len(tgs) > 0 {
		if err := checkTargetGroups(c, tgs); err != nil {
			return nil, err
		}
	}
	policies := in.TerminationPolicies
	if len(policies) == 0 {
		policies = []string{"Default"}
	}
	g := types.AutoScalingGroup{
		AutoScalingGroupName:             aws.String(name),
		AutoScalingGroupARN:              aws.String(GroupARN(c, newUUID(), name)),
		AvailabilityZones:                zones,
		CreatedTime:                      aws.Time(c.Now()),
		DefaultCooldown:                  aws.Int32(300),
		DesiredCapacity:                  aws.Int32(desired),
		MinSize:                          aws.Int32(minSize),
		MaxSize:                          aws.Int32(maxSize),
		HealthCheckType:                  aws.String("EC2"),
		HealthCheckGracePeriod:           aws.Int32(0),
		LaunchTemplate:                   normalizeTemplateSpec(in.LaunchTemplate),
		LaunchConfigurationName:          in.LaunchConfigurationName,
		MixedInstancesPolicy:             normalizeMixed(in.MixedInstancesPolicy),
		NewInstancesProtectedFromScaleIn: aws.Bool(aws.ToBool(in.NewInstancesProtectedFromScaleIn)),
		CapacityRebalance:                aws.Bool(aws.ToBool(in.CapacityRebalance)),
		ServiceLinkedRoleARN:             aws.String(serviceLinkedRole(c)),
		TerminationPolicies:              policies,
		LoadBalancerNames:                nonNil(in.LoadBalancerNames),
		TargetGroupARNs:                  nonNil(in.TargetGroupARNs),
		TrafficSources:                   in.TrafficSources,
		EnabledMetrics:                   []types.EnabledMetric{},
		SuspendedProcesses:               []types.SuspendedProcess{},
		Instances:                        []types.Instance{},
		Tags:                             []types.TagDescription{},
		MaxInstanceLifetime:              in.MaxInstanceLifetime,
		PlacementGroup:                   in.PlacementGroup,
		DefaultInstanceWarmup:            in.DefaultInstanceWarmup,
		DesiredCapacityType:              in.DesiredCapacityType,
		Context:                          in.Context,
		InstanceMaintenancePolicy:        in.InstanceMaintenancePolicy,
		AvailabilityZoneDistribution:     in.AvailabilityZoneDistribution,
		CapacityReservationSpecification: in.CapacityReservationSpecification,
		InstanceLifecyclePolicy:          in.InstanceLifecyclePolicy,
		DeletionProtection:               in.DeletionProtection,
	}
	if subnets != "" {
		g.VPCZoneIdentifier = aws.String(subnets)
	}
	if g.TrafficSources == nil {
		g.TrafficSources = []types.TrafficSourceIdentifier{}
	}
	for i := range g.TrafficSources {
		if g.TrafficSources[i].Type == nil {
			g.TrafficSources[i].Type = aws.String("elbv2")
		}
	}
	if in.DefaultCooldown != nil {
		g.DefaultCooldown = in.DefaultCooldown
	}
	if in.HealthCheckType != nil {
		g.HealthCheckType = in.HealthCheckType
	}
	if in.HealthCheckGracePeriod != nil {
		g.HealthCheckGracePeriod = in.HealthCheckGracePeriod
	}
	if err := h.serviceLinkedRole(c, in.ServiceLinkedRoleARN); err != nil {
		return nil, err
	}
	if in.ServiceLinkedRoleARN != nil {
		g.ServiceLinkedRoleARN = in.ServiceLinkedRoleARN
	}
	for _, t := range in.Tags {
		g.Tags = upsertTag(g.Tags, name, t)
	}
	doc := &groupDoc{Group: g}
	if desired > 0 {
		doc.Cause = "At " + stamp(c.Now()) + " a user request created an AutoScalingGroup changing the desired capacity from 0 to " + itoa(desired) + "."
	}
	if err := putGroup(c, doc); err != nil {
		return nil, err
	}
	for _, h := range in.LifecycleHookSpecificationList {
		hook := types.LifecycleHook{AutoScalingGroupName: aws.String(name), LifecycleHookName: h.LifecycleHookName,
			LifecycleTransition: h.LifecycleTransition, DefaultResult: h.DefaultResult, HeartbeatTimeout: h.HeartbeatTimeout,
			NotificationMetadata: h.NotificationMetadata, NotificationTargetARN: h.NotificationTargetARN, RoleARN: h.RoleARN}
		if err := putHook(c, &hook, true); err != nil {
			return nil, err
		}
	}
	return &autoscaling.CreateAutoScalingGroupOutput{}, nil
}

// normalizeTemplateSpec fills the version AWS shows when none is given.
func normalizeTemplateSpec(lt *types.LaunchTemplateSpecification) *types.LaunchTemplateSpecification {
	if lt == nil {
		return nil
	}
	out := *lt
	if out.Version == nil {
		out.Version = aws.String("$Default")
	}
	return &out
}

func normalizeMixed(m *types.MixedInstancesPolicy) *types.MixedInstancesPolicy {
	if m == nil {
		return nil
	}
	out := *m
	lt := *m.LaunchTemplate
	lt.LaunchTemplateSpecification = normalizeTemplateSpec(lt.LaunchTemplateSpecification)
	if lt.Overrides == nil {
		lt.Overrides = []types.LaunchTemplateOverrides{}
	}
	out.LaunchTemplate = &lt
	d := types.InstancesDistribution{OnDemandAllocationStrategy: aws.String("prioritized"), OnDemandBaseCapacity: aws.Int32(0),
		OnDemandPercentageAboveBaseCapacity: aws.Int32(100), SpotAllocationStrategy: aws.String("lowest-price"), SpotInstancePools: aws.Int32(2)}
	if g := m.InstancesDistribution; g != nil {
		d.OnDemandAllocationStrategy = or(g.OnDemandAllocationStrategy, d.OnDemandAllocationStrategy)
		d.OnDemandBaseCapacity = or(g.OnDemandBaseCapacity, d.OnDemandBaseCapacity)
		d.OnDemandPercentageAboveBaseCapacity = or(g.OnDemandPercentageAboveBaseCapacity, d.OnDemandPercentageAboveBaseCapacity)
		d.SpotAllocationStrategy = or(g.SpotAllocationStrategy, d.SpotAllocationStrategy)
		d.SpotInstancePools = or(g.SpotInstancePools, d.SpotInstancePools)
		d.SpotMaxPrice = g.SpotMaxPrice
	}
	out.InstancesDistribution = &d
	return &out
}

func or[T any](v, def *T) *T {
	if v != nil {
		return v
	}
	return def
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (h *handlers) updateGroup(c *api.Context, in *autoscaling.UpdateAutoScalingGroupInput) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	g := &doc.Group
	if in.LaunchTemplate != nil || in.LaunchConfigurationName != nil || in.MixedInstancesPolicy != nil {
		if _, err := launchSource(c, h.EC2, in.LaunchTemplate, in.LaunchConfigurationName, in.MixedInstancesPolicy, nil); err != nil {
			return nil, err
		}
		g.LaunchTemplate = normalizeTemplateSpec(in.LaunchTemplate)
		g.MixedInstancesPolicy = normalizeMixed(in.MixedInstancesPolicy)
		g.LaunchConfigurationName = in.LaunchConfigurationName
	}
	if in.VPCZoneIdentifier != nil || in.AvailabilityZones != nil {
		subnets, zones, err := placementOf(c, h.EC2, in.VPCZoneIdentifier, in.AvailabilityZones)
		if err != nil {
			return nil, err
		}
		g.AvailabilityZones = zones
		g.VPCZoneIdentifier = nil
		if subnets != "" {
			g.VPCZoneIdentifier = aws.String(subnets)
		}
	}
	if err := checkTerminationPolicies(in.TerminationPolicies); err != nil {
		return nil, err
	}
	if err := checkHealthCheckType(in.HealthCheckType); err != nil {
		return nil, err
	}
	oldDesired := aws.ToInt32(g.DesiredCapacity)
	minSize, maxSize, desired := aws.ToInt32(g.MinSize), aws.ToInt32(g.MaxSize), oldDesired
	if in.MinSize != nil {
		minSize = *in.MinSize
	}
	if in.MaxSize != nil {
		maxSize = *in.MaxSize
	}
	if in.DesiredCapacity != nil {
		desired = *in.DesiredCapacity
	} else {
		// A new bound that excludes the current size moves the desired capacity to it.
		if in.MinSize != nil && desired < minSize {
			desired = minSize
		}
		if in.MaxSize != nil && desired > maxSize {
			desired = maxSize
		}
	}
	if err := checkCapacity(minSize, maxSize, desired); err != nil {
		return nil, err
	}
	g.MinSize, g.MaxSize, g.DesiredCapacity = aws.Int32(minSize), aws.Int32(maxSize), aws.Int32(desired)
	if desired != oldDesired {
		doc.Cause = "At " + stamp(c.Now()) + " a user request update of AutoScalingGroup constraints to min: " + itoa(minSize) +
			", max: " + itoa(maxSize) + ", desired: " + itoa(desired) + " changing the desired capacity from " + itoa(oldDesired) + " to " + itoa(desired) + "."
	}
	set := func(dst **int32, v *int32) {
		if v != nil {
			*dst = v
		}
	}
	set(&g.DefaultCooldown, in.DefaultCooldown)
	set(&g.HealthCheckGracePeriod, in.HealthCheckGracePeriod)
	set(&g.MaxInstanceLifetime, in.MaxInstanceLifetime)
	set(&g.DefaultInstanceWarmup, in.DefaultInstanceWarmup)
	if in.HealthCheckType != nil {
		g.HealthCheckType = in.HealthCheckType
	}
	if in.NewInstancesProtectedFromScaleIn != nil {
		g.NewInstancesProtectedFromScaleIn = in.NewInstancesProtectedFromScaleIn
	}
	if in.CapacityRebalance != nil {
		g.CapacityRebalance = in.CapacityRebalance
	}
	if len(in.TerminationPolicies) > 0 {
		g.TerminationPolicies = in.TerminationPolicies
	}
	if in.ServiceLinkedRoleARN != nil {
		if err := h.serviceLinkedRole(c, in.ServiceLinkedRoleARN); err != nil {
			return nil, err
		}
		g.ServiceLinkedRoleARN = in.ServiceLinkedRoleARN
	}
	if in.PlacementGroup != nil {
		g.PlacementGroup = in.PlacementGroup
	}
	if in.DesiredCapacityType != nil {
		g.DesiredCapacityType = in.DesiredCapacityType
	}
	if in.Context != nil {
		g.Context = in.Context
	}
	if in.InstanceMaintenancePolicy != nil {
		g.InstanceMaintenancePolicy = in.InstanceMaintenancePolicy
	}
	if in.AvailabilityZoneDistribution != nil {
		g.AvailabilityZoneDistribution = in.AvailabilityZoneDistribution
	}
	if in.CapacityReservationSpecification != nil {
		g.CapacityReservationSpecification = in.CapacityReservationSpecification
	}
	if in.InstanceLifecyclePolicy != nil {
		g.InstanceLifecyclePolicy = in.InstanceLifecyclePolicy
	}
	if in.DeletionProtection != "" {
		g.DeletionProtection = in.DeletionProtection
	}
	return &autoscaling.UpdateAutoScalingGroupOutput{}, putGroup(c, doc)
}

func deleteGroup(c *api.Context, in *autoscaling.DeleteAutoScalingGroupInput) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := mustGroup(c, name)
	if err != nil {
		return nil, err
	}
	if doc.Group.DeletionProtection == types.DeletionProtectionPreventAllDeletion ||
		(doc.Group.DeletionProtection == types.DeletionProtectionPreventForceDeletion && aws.ToBool(in.ForceDelete)) {
		return nil, errValidation("You cannot delete an AutoScalingGroup with deletion protection enabled (%s).", doc.Group.DeletionProtection)
	}
	if doc.Deleting {
		return nil, errActivityInProgress("An AutoScalingGroup deletion is already in progress for that group.")
	}
	members, err := groupMembers(c, name)
	if err != nil {
		return nil, err
	}
	if !aws.ToBool(in.ForceDelete) {
		if len(members) > 0 {
			return nil, errResourceInUse("You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")
		}
		if inProgress, err := activityInProgress(c, name); err != nil {
			return nil, err
		} else if inProgress {
			return nil, errActivityInProgress("You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.")
		}
		return &autoscaling.DeleteAutoScalingGroupOutput{}, purgeGroup(c, name)
	}
	if len(members) == 0 {
		return &autoscaling.DeleteAutoScalingGroupOutput{}, purgeGroup(c, name)
	}
	// ForceDelete: the instances terminate (lifecycle hooks are skipped) and
	// the group goes when the last one has.
	doc.Deleting = true
	doc.Group.Status = aws.String("Delete in progress")
	doc.Group.DesiredCapacity, doc.Group.MinSize, doc.Group.MaxSize = aws.Int32(0), aws.Int32(0), aws.Int32(0)
	for _, m := range members {
		if err := beginTermination(c, doc, m, "At "+stamp(c.Now())+" an instance was taken out of service in response to a user request to delete the AutoScalingGroup.", true); err != nil {
			return nil, err
		}
	}
	return &autoscaling.DeleteAutoScalingGroupOutput{}, putGroup(c, doc)
}

// purgeGroup removes a group and everything that belongs to it.
func purgeGroup(c *api.Context, name string) error {
	if _, err := Groups.Delete(c.Tx, c.Scope(), name); err != nil {
		return err
	}
	for _, del := range []func() error{
		func() error { return deleteChildren(c, Hooks, name) },
		func() error { return deleteChildren(c, Policies, name) },
		func() error { return deleteChildren(c, ScheduledAction, name) },
		func() error { return deleteChildren(c, Refreshes, name) },
	} {
		if err := del(); err != nil {
			return err
		}
	}
	return nil
}

func deleteChildren[T any](c *api.Context, coll store.Collection[T], group string) error {
	items, err := coll.List(c.Tx, c.Scope(), store.Query{Parent: group})
	if err != nil {
		return err
	}
	for _, it := range items {
		if _, err := coll.Delete(c.Tx, c.Scope(), it.ID); err != nil {
			return err
		}
	}
	return nil
}

// describeGroup returns the document AWS returns: the group with its instances.
func describeGroup(c *api.Context, doc *groupDoc) (types.AutoScalingGroup, error) {
	g := doc.Group
	members, err := groupMembers(c, aws.ToString(g.AutoScalingGroupName))
	if err != nil {
		return g, err
	}
	g.Instances = []types.Instance{}
	warm := int32(0)
	for _, m := range members {
		if m.Warm {
			warm++
			continue
		}
		g.Instances = append(g.Instances, m.Instance)
	}
	if g.WarmPoolConfiguration != nil {
		g.WarmPoolSize = aws.Int32(warm)
	}
	return g, nil
}

func describeGroups(c *api.Context, in *autoscaling.DescribeAutoScalingGroupsInput) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	size, err := maxRecords(in.MaxRecords, 50, 100)
	if err != nil {
		return nil, err
	}
	const scope = "autoscaling:DescribeAutoScalingGroups"
	var filterErr error
	keep := func(doc *groupDoc) bool {
		ok, err := matchGroupFilters(&doc.Group, in.Filters)
		filterErr = cmp.Or(filterErr, err)
		return ok && err == nil
	}
	items, next, err := pageNamed(c, Groups, in.AutoScalingGroupNames, asPaging(scope, in.NextToken, size), keep)
	if err = cmp.Or(err, filterErr); err != nil {
		return nil, err
	}
	out := &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: []types.AutoScalingGroup{}, NextToken: next}
	for _, doc := range items {
		d, err := describeGroup(c, doc)
		if err != nil {
			return nil, err
		}
		if in.IncludeInstances != nil && !*in.IncludeInstances {
			d.Instances = nil
		}
		out.AutoScalingGroups = append(out.AutoScalingGroups, d)
	}
	return out, nil
}

// matchGroupFilters applies DescribeAutoScalingGroups' tag filters.
func matchGroupFilters(g *types.AutoScalingGroup, filters []types.Filter) (bool, error) {
	for _, f := range filters {
		name := aws.ToString(f.Name)
		match := false
		for _, t := range g.Tags {
			key, value := aws.ToString(t.Key), aws.ToString(t.Value)
			switch {
			case name == "tag-key":
				match = match || slices.Contains(f.Values, key)
			case name == "tag-value":
				match = match || slices.Contains(f.Values, value)
			case strings.HasPrefix(name, "tag:"):
				match = match || (key == name[4:] && slices.Contains(f.Values, value))
			default:
				return false, errValidation("Filter type %s is not correct. Allowed Filter types are: tag-key tag-value tag:<key>", name)
			}
		}
		if !strings.HasPrefix(name, "tag") {
			return false, errValidation("Filter type %s is not correct. Allowed Filter types are: tag-key tag-value tag:<key>", name)
		}
		if !match {
			return false, nil
		}
	}
	return true, nil
}

// maxRecords checks a MaxRecords parameter against its default and maximum.
func maxRecords(v *int32, def, maxN int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || int(*v) > maxN {
		return 0, errValidation("1 validation error detected: Value '%d' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to %d", *v, maxN)
	}
	return int(*v), nil
}

// describeDocs pages a collection whose documents are what a Describe call
// returns, copied out by value: MaxRecords 50 by default, at most 100.
func describeDocs[T any](c *api.Context, coll store.Collection[T], q store.Query, scope string, maxRecordsIn *int32, token *string, keep func(*T) bool) ([]T, *string, error) {
	size, err := maxRecords(maxRecordsIn, 50, 100)
	if err != nil {
		return nil, nil, err
	}
	items, next, err := api.Paginate(c.Tx, c.Scope(), coll, q, asPaging(scope, token, size), keep)
	if err != nil {
		return nil, nil, err
	}
	docs := make([]T, 0, len(items))
	for _, it := range items {
		docs = append(docs, *it)
	}
	return docs, next, nil
}

func setDesiredCapacity(c *api.Context, in *autoscaling.SetDesiredCapacityInput) (*autoscaling.SetDesiredCapacityOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	doc, err := loadGroup(c, name)
	if err != nil {
		return nil, err
	}
	if doc == nil || doc.Deleting {
		return nil, errGroupNameNotFound()
	}
	g := &doc.Group
	desired := aws.ToInt32(in.DesiredCapacity)
	if desired > aws.ToInt32(g.MaxSize) {
		return nil, errValidation("New SetDesiredCapacity value %d is above max value %d for the AutoScalingGroup.", desired, aws.ToInt32(g.MaxSize))
	}
	if desired < aws.ToInt32(g.MinSize) {
		return nil, errValidation("New SetDesiredCapacity value %d is below min value %d for the AutoScalingGroup.", desired, aws.ToInt32(g.MinSize))
	}
	if aws.ToBool(in.HonorCooldown) && c.Now().Before(doc.CooldownUntil) {
		return nil, errActivityInProgress("Scaling activity is in progress and blocks this action.")
	}
	return &autoscaling.SetDesiredCapacityOutput{}, changeDesired(c, doc, desired, "a user request explicitly set group desired capacity")
}

// changeDesired sets a group's desired capacity, remembering why in AWS's words.
func changeDesired(c *api.Context, doc *groupDoc, desired int32, why string) error {
	old := aws.ToInt32(doc.Group.DesiredCapacity)
	if old != desired {
		doc.Cause = "At " + stamp(c.Now()) + " " + why + " changing the desired capacity from " + itoa(old) + " to " + itoa(desired) + "."
		doc.CooldownUntil = c.Now().Add(scaledFor(c, seconds(aws.ToInt32(doc.Group.DefaultCooldown))))
	}
	doc.Group.DesiredCapacity = aws.Int32(desired)
	return putGroup(c, doc)
}

// scalingProcesses are the processes SuspendProcesses knows.
var scalingProcesses = []string{"Launch", "Terminate", "AddToLoadBalancer", "AlarmNotification", "AZRebalance",
	"HealthCheck", "InstanceRefresh", "ReplaceUnhealthy", "ScheduledActions"}

func suspendProcesses(c *api.Context, in *autoscaling.SuspendProcessesInput) (*autoscaling.SuspendProcessesOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	names := in.ScalingProcesses
	if len(names) == 0 {
		names = scalingProcesses
	}
	for _, p := range names {
		if !slices.Contains(scalingProcesses, p) {
			return nil, errValidation("Process '%s' is not a valid scaling process.", p)
		}
	}
	for _, p := range names {
		if !slices.ContainsFunc(doc.Group.SuspendedProcesses, func(s types.SuspendedProcess) bool { return aws.ToString(s.ProcessName) == p }) {
			doc.Group.SuspendedProcesses = append(doc.Group.SuspendedProcesses, types.SuspendedProcess{ProcessName: aws.String(p),
				SuspensionReason: aws.String("User suspended at " + stamp(c.Now()))})
		}
	}
	return &autoscaling.SuspendProcessesOutput{}, putGroup(c, doc)
}

func resumeProcesses(c *api.Context, in *autoscaling.ResumeProcessesInput) (*autoscaling.ResumeProcessesOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	for _, p := range in.ScalingProcesses {
		if !slices.Contains(scalingProcesses, p) {
			return nil, errValidation("Process '%s' is not a valid scaling process.", p)
		}
	}
	doc.Group.SuspendedProcesses = slices.DeleteFunc(doc.Group.SuspendedProcesses, func(s types.SuspendedProcess) bool {
		return len(in.ScalingProcesses) == 0 || slices.Contains(in.ScalingProcesses, aws.ToString(s.ProcessName))
	})
	return &autoscaling.ResumeProcessesOutput{}, putGroup(c, doc)
}

// suspended reports whether a group's process is suspended.
func suspended(g *types.AutoScalingGroup, process string) bool {
	return slices.ContainsFunc(g.SuspendedProcesses, func(s types.SuspendedProcess) bool { return aws.ToString(s.ProcessName) == process })
}

// groupMetrics are the group metrics EnableMetricsCollection knows.
var groupMetrics = []string{"GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances",
	"GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances", "GroupInServiceCapacity", "GroupPendingCapacity",
	"GroupStandbyCapacity", "GroupTerminatingCapacity", "GroupTotalCapacity", "WarmPoolDesiredCapacity", "WarmPoolWarmedCapacity",
	"WarmPoolPendingCapacity", "WarmPoolTerminatingCapacity", "WarmPoolTotalCapacity", "GroupAndWarmPoolDesiredCapacity", "GroupAndWarmPoolTotalCapacity"}

func enableMetrics(c *api.Context, in *autoscaling.EnableMetricsCollectionInput) (*autoscaling.EnableMetricsCollectionOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.Granularity) != "1Minute" {
		return nil, errValidation("Valid granularity is 1Minute.")
	}
	names := in.Metrics
	if len(names) == 0 {
		names = groupMetrics
	}
	for _, m := range names {
		if !slices.Contains(groupMetrics, m) {
			return nil, errValidation("Metric '%s' is not a valid group metric.", m)
		}
		if !slices.ContainsFunc(doc.Group.EnabledMetrics, func(e types.EnabledMetric) bool { return aws.ToString(e.Metric) == m }) {
			doc.Group.EnabledMetrics = append(doc.Group.EnabledMetrics, types.EnabledMetric{Metric: aws.String(m), Granularity: aws.String("1Minute")})
		}
	}
	return &autoscaling.EnableMetricsCollectionOutput{}, putGroup(c, doc)
}

func disableMetrics(c *api.Context, in *autoscaling.DisableMetricsCollectionInput) (*autoscaling.DisableMetricsCollectionOutput, error) {
	doc, err := mustGroup(c, aws.ToString(in.AutoScalingGroupName))
	if err != nil {
		return nil, err
	}
	doc.Group.EnabledMetrics = slices.DeleteFunc(doc.Group.EnabledMetrics, func(e types.EnabledMetric) bool {
		return len(in.Metrics) == 0 || slices.Contains(in.Metrics, aws.ToString(e.Metric))
	})
	return &autoscaling.DisableMetricsCollectionOutput{}, putGroup(c, doc)
}
