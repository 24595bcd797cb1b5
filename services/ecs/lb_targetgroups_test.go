package ecs

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/services/elbv2"
)

// elbCall calls an ELBv2 handler as a request would.
func elbCall[Out any](t *testing.T, c *api.Context, op string, in any) *Out {
	t.Helper()
	out, err := elbv2.New().Handlers[op].Call(c, in)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return out.(*Out)
}

func TestValidateTargetGroups(t *testing.T) {
	withContext(t, func(c *api.Context) {
		lb := elbCall[elb.CreateLoadBalancerOutput](t, c, "CreateLoadBalancer", &elb.CreateLoadBalancerInput{Name: aws.String("lb"), Subnets: []string{"subnet-1", "subnet-2"}})
		tg := func(name string, tt elbtypes.TargetTypeEnum) string {
			out := elbCall[elb.CreateTargetGroupOutput](t, c, "CreateTargetGroup", &elb.CreateTargetGroupInput{Name: aws.String(name),
				Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: tt})
			return aws.ToString(out.TargetGroups[0].TargetGroupArn)
		}
		ip, inst, lonely := tg("ip", elbtypes.TargetTypeEnumIp), tg("inst", elbtypes.TargetTypeEnumInstance), tg("lonely", elbtypes.TargetTypeEnumIp)
		forward := func(arn string) []elbtypes.Action {
			return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(arn)}}
		}
		for i, arn := range []string{ip, inst} {
			elbCall[elb.CreateListenerOutput](t, c, "CreateListener", &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
				Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(80 + i)), DefaultActions: forward(arn)})
		}
		tests := []struct {
			mode      types.NetworkMode
			tg, alt   string
			wantError string
		}{
			{types.NetworkModeAwsvpc, ip, "", ""},
			{types.NetworkModeAwsvpc, inst, "", "The provided target group " + inst + " has target type instance, which is incompatible with the awsvpc network mode specified in the task definition."},
			{types.NetworkModeBridge, inst, "", ""},
			{"", inst, "", ""},
			{types.NetworkModeHost, ip, "", "The provided target group " + ip + " has target type ip, which is incompatible with the host network mode specified in the task definition."},
			{types.NetworkModeAwsvpc, lonely, "", "The target group with targetGroupArn " + lonely + " does not have an associated load balancer."},
			{types.NetworkModeAwsvpc, ip, lonely, "The target group with targetGroupArn " + lonely + " does not have an associated load balancer."},
			{types.NetworkModeAwsvpc, ip + "0", "", "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions."},
		}
		for _, tc := range tests {
			lbs := []types.LoadBalancer{{TargetGroupArn: aws.String(tc.tg)}}
			if tc.alt != "" {
				lbs[0].AdvancedConfiguration = &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(tc.alt)}
			}
			err := validateTargetGroups(c, &types.TaskDefinition{NetworkMode: tc.mode}, lbs)
			got := ""
			if err != nil {
				e := apierror.As(err)
				if e.Code != "InvalidParameterException" {
					t.Errorf("%s %s: code %s", tc.mode, tc.tg, e.Code)
				}
				got = e.Message
			}
			if got != tc.wantError {
				t.Errorf("%s %s: %q, want %q", tc.mode, tc.tg, got, tc.wantError)
			}
		}
	})
}

func TestServicesUsingTargetGroup(t *testing.T) {
	withContext(t, func(c *api.Context) {
		put := func(name, status, tg, alt string) {
			svc := &types.Service{ServiceArn: aws.String("arn:svc/" + name), ServiceName: aws.String(name), Status: aws.String(status),
				ClusterArn: aws.String("arn:cluster")}
			lb := types.LoadBalancer{TargetGroupArn: aws.String(tg)}
			if alt != "" {
				lb.AdvancedConfiguration = &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(alt)}
			}
			svc.LoadBalancers = []types.LoadBalancer{lb}
			if err := ecscore.Services.Put(c.Tx, c.Scope(), *svc.ServiceArn, ecscore.ServiceIndex(svc), svc); err != nil {
				t.Fatal(err)
			}
		}
		put("a", ecscore.ServiceActive, "tg-1", "tg-2")
		put("b", ecscore.ServiceInactive, "tg-3", "")
		put("c", ecscore.ServiceDraining, "tg-3", "")
		for tg, want := range map[string]string{"tg-1": "arn:svc/a", "tg-2": "arn:svc/a", "tg-3": "arn:svc/c", "tg-4": ""} {
			got, err := ServicesUsingTargetGroup(c.Tx, c.Scope(), tg)
			if err != nil {
				t.Fatal(err)
			}
			if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
				t.Errorf("%s: %v, want %s", tg, got, want)
			}
		}
	})
}
