package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// linkedService is how AWS names and equips a service's service-linked role.
type linkedService struct {
	RoleName    string
	Description string
	Policy      string // AWS managed policy name (under /aws-service-role/)
	// CustomSuffix tells whether the service accepts a custom suffix.
	CustomSuffix bool
}

var linkedServices = map[string]linkedService{
	"ecs.amazonaws.com": {RoleName: "AWSServiceRoleForECS", Policy: "AmazonECSServiceRolePolicy",
		Description: "Role to enable Amazon ECS to manage your cluster."},
	"elasticloadbalancing.amazonaws.com": {RoleName: "AWSServiceRoleForElasticLoadBalancing", Policy: "AWSElasticLoadBalancingServiceRolePolicy",
		Description: "Allows ELB to call AWS services on your behalf."},
	"ecs.application-autoscaling.amazonaws.com": {RoleName: "AWSServiceRoleForApplicationAutoScaling_ECSService", Policy: "AWSApplicationAutoscalingECSServicePolicy"},
	"custom-resource.application-autoscaling.amazonaws.com": {RoleName: "AWSServiceRoleForApplicationAutoScaling_CustomResource",
		Policy: "AWSApplicationAutoScalingCustomResourcePolicy"},
	// LocalStack's AWS-validated test_iam.snapshot.json,
	// test_service_role_lifecycle[elasticbeanstalk.amazonaws.com], records this role.
	"elasticbeanstalk.amazonaws.com": {RoleName: "AWSServiceRoleForElasticBeanstalk", Policy: "AWSElasticBeanstalkServiceRolePolicy"},
	"autoscaling.amazonaws.com": {RoleName: "AWSServiceRoleForAutoScaling", Policy: "AutoScalingServiceRolePolicy", CustomSuffix: true,
		Description: "Default Service-Linked Role enables access to AWS Services and Resources used or managed by Auto Scaling"},
}

// DeletionTask is a DeleteServiceLinkedRole request and its outcome.
type DeletionTask struct {
	ID     string
	Status types.DeletionTaskStatusType
}

var deletionTasks = store.Collection[DeletionTask]{Kind: "iam/slr-deletion"}

func registerServiceLinkedRoles(s *api.Service) {
	api.Handle(s, "CreateServiceLinkedRole", createServiceLinkedRole)
	api.Handle(s, "DeleteServiceLinkedRole", deleteServiceLinkedRole)
	api.Handle(s, "GetServiceLinkedRoleDeletionStatus", getServiceLinkedRoleDeletionStatus)
}

func slrTrustPolicy(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["` + service + `"]},"Action":["sts:AssumeRole"]}]}`
}

func createServiceLinkedRole(c *api.Context, in *iam.CreateServiceLinkedRoleInput) (*iam.CreateServiceLinkedRoleOutput, error) {
	r, err := newServiceLinkedRole(c, aws.ToString(in.AWSServiceName), in.CustomSuffix, in.Description)
	if err != nil {
		return nil, err
	}
	out := roleDocument(r)
	out.RoleLastUsed = nil
	return &iam.CreateServiceLinkedRoleOutput{Role: out}, nil
}

// EnsureServiceLinkedRole returns the service-linked role of service in
// account, creating it as AWS does when a service first needs it (ECS on its
// first cluster, for example), in the partition of region.
func EnsureServiceLinkedRole(tx *store.Tx, account, region, service string) (*Role, error) {
	ls, ok := linkedServices[service]
	if !ok {
		return nil, apierror.New("InvalidInput", "Service role name for %s is not supported by Longshore's IAM.", service)
	}
	if r, err := Roles.Get(tx, store.Scope{Account: account}, nameKey(ls.RoleName)); err != nil || r != nil {
		return r, err
	}
	c := &api.Context{Tx: tx, Region: region, Caller: api.Principal{Account: account}}
	// A role the service makes for itself carries the service's description;
	// CreateServiceLinkedRole stores only the description it is given.
	var description *string
	if ls.Description != "" {
		description = aws.String(ls.Description)
	}
	return newServiceLinkedRole(c, service, nil, description)
}

// newServiceLinkedRole creates a service's role with its path, trust policy and policy.
func newServiceLinkedRole(c *api.Context, service string, suffix, description *string) (*Role, error) {
	ls, ok := linkedServices[service]
	if !ok {
		return nil, apierror.New("InvalidInput", "Service role name for %s is not supported by Longshore's IAM.", service)
	}
	name := ls.RoleName
	if suffix != nil {
		if !ls.CustomSuffix {
			return nil, apierror.New("InvalidInput", "Custom suffix is not allowed for %s", service)
		}
		name += "_" + *suffix
	}
	if old, err := Roles.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("InvalidInput", "Service role name %s has been taken in this account, please try a different suffix.", name)
	}
	path := "/aws-service-role/" + service + "/"
	r := &Role{Role: types.Role{
		RoleName: aws.String(name), Path: aws.String(path), RoleId: aws.String(api.UniqueID("AROA")),
		Arn: aws.String(entityARN(c.Partition(), c.Account(), "role", path, name)), CreateDate: nowSecond(c),
		AssumeRolePolicyDocument: aws.String(slrTrustPolicy(service)), Description: description,
		MaxSessionDuration: aws.Int32(defaultMaxSessionDuration),
	}, ServiceName: service}
	policyArn := awsPolicyARNPrefix + "aws-service-role/" + ls.Policy
	p := awsManagedPolicy(policyArn)
	if p == nil {
		return nil, apierror.Internal()
	}
	if err := addAttachment(c, policyArn, types.EntityTypeRole, name, *r.RoleId, false); err != nil {
		return nil, err
	}
	r.AttachedPolicies = []types.AttachedPolicy{{PolicyArn: aws.String(policyArn), PolicyName: p.PolicyName}}
	return r, PutRole(c, r)
}

func deleteServiceLinkedRole(c *api.Context, in *iam.DeleteServiceLinkedRoleInput) (*iam.DeleteServiceLinkedRoleOutput, error) {
	r, err := GetRole(c, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	if r.ServiceName == "" {
		return nil, apierror.New("InvalidInput", "Role %s is not a service-linked role.", *r.RoleName)
	}
	for _, a := range r.AttachedPolicies {
		if err := removeAttachment(c, aws.ToString(a.PolicyArn), types.EntityTypeRole, *r.RoleName, false); err != nil {
			return nil, err
		}
	}
	if err := purgeRole(c, r); err != nil {
		return nil, err
	}
	task := &DeletionTask{ID: "task" + aws.ToString(r.Path) + *r.RoleName + "/" + api.UUID(), Status: types.DeletionTaskStatusTypeSucceeded}
	if err := deletionTasks.Put(c.Tx, c.GlobalScope(), task.ID, store.Index{}, task); err != nil {
		return nil, err
	}
	return &iam.DeleteServiceLinkedRoleOutput{DeletionTaskId: aws.String(task.ID)}, nil
}

func getServiceLinkedRoleDeletionStatus(c *api.Context, in *iam.GetServiceLinkedRoleDeletionStatusInput) (*iam.GetServiceLinkedRoleDeletionStatusOutput, error) {
	id := aws.ToString(in.DeletionTaskId)
	if !strings.HasPrefix(id, "task/aws-service-role/") {
		return nil, apierror.New("InvalidInput", "Invalid deletion task id: %s", id)
	}
	t, err := deletionTasks.Get(c.Tx, c.GlobalScope(), id)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, apierror.New("NoSuchEntity", "Deletion task %s cannot be found.", id)
	}
	return &iam.GetServiceLinkedRoleDeletionStatusOutput{Status: t.Status}, nil
}
