package authz

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/model"
	"github.com/longshore/longshore/services"
	"github.com/longshore/longshore/store"
)

// Every entry of the table names an operation of its service's model, and
// every member it reads exists in the operation's SDK input type.
func TestTableMatchesModels(t *testing.T) {
	tab, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set := services.New(services.Config{Store: st, Region: "us-east-1"})
	inputs := map[string]map[string]reflect.Type{}
	for _, s := range set.Services {
		inputs[s.Name] = map[string]reflect.Type{}
		for op, h := range s.Handlers {
			inputs[s.Name][op] = h.InputType
		}
	}
	placeholder := regexp.MustCompile(`\{([^}|=]+)`)
	for name, rules := range tab.Services {
		m, err := model.Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for op, rule := range rules.Ops {
			if _, ok := m.Operations[op]; !ok {
				t.Errorf("%s: the model has no operation %s", name, op)
				continue
			}
			in := inputs[name][op]
			if in == nil {
				continue // not implemented: nothing to read members from
			}
			var members []string
			for _, r := range rule.Res {
				members = append(members, r.Member)
				for _, p := range placeholder.FindAllStringSubmatch(r.ARN, -1) {
					members = append(members, p[1])
				}
			}
			for _, k := range rule.Keys {
				if strings.HasPrefix(k.Name, "=") {
					members = append(members, k.Name[1:])
				} else {
					members = append(members, k.Member)
				}
			}
			for _, p := range rule.Pass {
				members = append(members, p.Member)
			}
			members = append(members, rule.RequestTags)
			for _, mem := range members {
				switch mem {
				case "", ".", "Region", "Account", "Partition":
					continue
				}
				if !typeHasPath(in, mem) {
					t.Errorf("%s %s: input %s has no member %q", name, op, in.Name(), mem)
				}
			}
		}
	}
}

func typeHasPath(t reflect.Type, path string) bool {
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		f, ok := t.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, name) })
		if !ok {
			return false
		}
		t = f.Type
	}
	return true
}

// A sample of operations per service against the Service Authorization
// Reference: the action, and the ARNs of the resource types its table lists
// (docs.aws.amazon.com/service-authorization/latest/reference/list_*.html).
func TestTableAgainstServiceAuthorizationReference(t *testing.T) {
	tab, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	const acct = "123456789012"
	cases := []struct {
		service, op string
		in          any
		action      string
		arns        []string
		keys        map[string][]string
	}{
		// Amazon ECS: cluster, service, task, task-definition, container-instance.
		{"ecs", "CreateService", &ecs.CreateServiceInput{Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String("web:3")},
			"ecs:CreateService", []string{"arn:aws:ecs:us-east-1:123456789012:service/prod/web"},
			map[string][]string{"ecs:cluster": {"arn:aws:ecs:us-east-1:123456789012:cluster/prod"}, "ecs:task-definition": {"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"}}},
		{"ecs", "DescribeClusters", &ecs.DescribeClustersInput{}, "ecs:DescribeClusters", []string{"arn:aws:ecs:us-east-1:123456789012:cluster/default"}, nil},
		{"ecs", "DescribeServices", &ecs.DescribeServicesInput{Cluster: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/c"), Services: []string{"a", "b"}},
			"ecs:DescribeServices", []string{"arn:aws:ecs:us-east-1:123456789012:service/c/a", "arn:aws:ecs:us-east-1:123456789012:service/c/b"}, nil},
		{"ecs", "StopTask", &ecs.StopTaskInput{Cluster: aws.String("c"), Task: aws.String("0123")}, "ecs:StopTask", []string{"arn:aws:ecs:us-east-1:123456789012:task/c/0123"}, nil},
		{"ecs", "RunTask", &ecs.RunTaskInput{TaskDefinition: aws.String("job")}, "ecs:RunTask", []string{"arn:aws:ecs:us-east-1:123456789012:task-definition/job"}, nil},
		{"ecs", "ListClusters", &ecs.ListClustersInput{}, "ecs:ListClusters", []string{"*"}, nil},
		{"ecs", "RegisterTaskDefinition", &ecs.RegisterTaskDefinitionInput{Family: aws.String("f"), Tags: []ecstypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}},
			"ecs:RegisterTaskDefinition", []string{"*"}, map[string][]string{"aws:requesttag/k": {"v"}, "aws:tagkeys": {"k"}}},
		// Elastic Load Balancing V2: ARNs given by the caller.
		{"elbv2", "RegisterTargets", &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123")},
			"elasticloadbalancing:RegisterTargets", []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123"}, nil},
		{"elbv2", "CreateLoadBalancer", &elbv2.CreateLoadBalancerInput{Name: aws.String("web")},
			"elasticloadbalancing:CreateLoadBalancer", []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/*"}, nil},
		{"elbv2", "DescribeLoadBalancers", &elbv2.DescribeLoadBalancersInput{}, "elasticloadbalancing:DescribeLoadBalancers", []string{"*"}, nil},
		// CloudWatch Logs: log-group and log-stream.
		{"logs", "PutLogEvents", &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("web/1")},
			"logs:PutLogEvents", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:web/1"}, nil},
		{"logs", "CreateLogGroup", &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")},
			"logs:CreateLogGroup", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:"}, nil},
		// Systems Manager: parameter (the ARN holds one slash before a path).
		{"ssm", "GetParameter", &ssm.GetParameterInput{Name: aws.String("/app/db")}, "ssm:GetParameter", []string{"arn:aws:ssm:us-east-1:123456789012:parameter/app/db"}, nil},
		{"ssm", "GetParameters", &ssm.GetParametersInput{Names: []string{"plain"}}, "ssm:GetParameters", []string{"arn:aws:ssm:us-east-1:123456789012:parameter/plain"}, nil},
		// Auto Scaling: autoScalingGroup.
		{"autoscaling", "SetDesiredCapacity", &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("asg")},
			"autoscaling:SetDesiredCapacity", []string{"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/asg"}, nil},
		// CloudWatch: alarm.
		{"cloudwatch", "PutMetricAlarm", &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("high")},
			"cloudwatch:PutMetricAlarm", []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:high"}, nil},
		{"cloudwatch", "PutMetricData", &cloudwatch.PutMetricDataInput{Namespace: aws.String("App")}, "cloudwatch:PutMetricData", []string{"*"},
			map[string][]string{"cloudwatch:namespace": {"App"}}},
		// IAM: user, role, policy.
		{"iam", "CreateUser", &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/eng/")}, "iam:CreateUser", []string{"arn:aws:iam::123456789012:user/eng/bob"}, nil},
		{"iam", "AttachRolePolicy", &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")},
			"iam:AttachRolePolicy", []string{"arn:aws:iam::123456789012:role/r"}, map[string][]string{"iam:policyarn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}}},
		{"iam", "ListUsers", &iam.ListUsersInput{}, "iam:ListUsers", []string{"arn:aws:iam::123456789012:user/"}, nil},
		// STS: federated-user.
		{"sts", "GetFederationToken", &sts.GetFederationTokenInput{Name: aws.String("fed")}, "sts:GetFederationToken", []string{"arn:aws:sts::123456789012:federated-user/fed"}, nil},
		// EC2: instance.
		{"ec2", "TerminateInstances", &ec2.TerminateInstancesInput{InstanceIds: []string{"i-1", "i-2"}}, "ec2:TerminateInstances",
			[]string{"arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:ec2:us-east-1:123456789012:instance/i-2"}, nil},
		{"ec2", "CreateTags", &ec2.CreateTagsInput{Resources: []string{"sg-1"}, Tags: []ec2types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}, "ec2:CreateTags",
			[]string{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-1"}, nil},
		// An operation the table does not list: the service prefix and "*".
		{"ec2", "DescribeKeyPairs", &ec2.DescribeKeyPairsInput{}, "ec2:DescribeKeyPairs", []string{"*"}, nil},
	}
	var f fields
	for _, c := range cases {
		action, rule := tab.Action(c.service, "", c.op)
		if action != c.action {
			t.Errorf("%s %s: action %s, want %s", c.service, c.op, action, c.action)
		}
		got := []string{}
		if rule != nil {
			for _, r := range rule.Res {
				got = append(got, f.arns(r.Resource, c.in, "us-east-1", acct)...)
			}
		}
		if len(got) == 0 {
			got = []string{"*"}
		}
		if !slices.Equal(got, c.arns) {
			t.Errorf("%s %s: resources %q, want %q", c.service, c.op, got, c.arns)
		}
		for key, want := range c.keys {
			var vals []string
			if strings.HasPrefix(key, "aws:") && rule != nil && rule.RequestTags != "" {
				tags, _ := f.tags(c.in, rule.RequestTags)
				if key == "aws:tagkeys" {
					for k := range tags {
						vals = append(vals, k)
					}
				} else if v, ok := tags[strings.TrimPrefix(key, "aws:requesttag/")]; ok {
					vals = []string{v}
				}
			} else {
				for k, r := range rule.Keys {
					if !strings.EqualFold(k, key) {
						continue
					}
					if strings.HasPrefix(r.Name, "=") {
						vals = f.strs(c.in, r.Name[1:])
					} else {
						vals = f.arns(r.Resource, c.in, "us-east-1", acct)
					}
				}
			}
			if !slices.Equal(vals, want) {
				t.Errorf("%s %s: %s = %q, want %q", c.service, c.op, key, vals, want)
			}
		}
	}
}

// Resource ARNs take the partition of the request's region (IAM User
// Guide, "IAM identifiers": arn:aws-cn in China, arn:aws-us-gov in
// GovCloud), so no template names a partition of its own.
func TestTemplatesFollowThePartition(t *testing.T) {
	tab, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range tab.Services {
		for op, o := range s.Ops {
			for _, r := range o.Res {
				if strings.HasPrefix(r.ARN, "arn:") && !strings.HasPrefix(r.ARN, "arn:{Partition}:") {
					t.Errorf("%s %s: template %s names its partition", name, op, r.ARN)
				}
			}
		}
	}
	var f fields
	_, rule := tab.Action("ecs", "", "StopTask")
	in := &ecs.StopTaskInput{Cluster: aws.String("c"), Task: aws.String("0123")}
	for region, want := range map[string]string{"cn-north-1": "arn:aws-cn:ecs:cn-north-1:1:task/c/0123",
		"us-gov-west-1": "arn:aws-us-gov:ecs:us-gov-west-1:1:task/c/0123", "us-east-1": "arn:aws:ecs:us-east-1:1:task/c/0123"} {
		if got := f.arns(rule.Res[0].Resource, in, region, "1"); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %s", region, got, want)
		}
	}
}
