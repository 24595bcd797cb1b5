package appautoscaling

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	cw "github.com/longshore/longshore/services/cloudwatch"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// Simulated load, set through the control endpoints.
var (
	// ServiceLoads: id = ECS service ARN.
	ServiceLoads = store.Collection[ServiceLoad]{Kind: "longshore/ecs-load"}
	// TargetGroupLoads: id = target group ARN.
	TargetGroupLoads = store.Collection[TargetGroupLoad]{Kind: "longshore/elbv2-load"}
)

// ServiceLoad is the simulated utilization of an ECS service's tasks, in percent.
type ServiceLoad struct {
	Cluster string  `json:"cluster"`
	Service string  `json:"service"`
	CPU     float64 `json:"cpu"`
	Memory  float64 `json:"memory"`
	Region  string  `json:"region,omitempty"`
	Account string  `json:"account,omitempty"`
}

// TargetGroupLoad is the simulated request rate of a target group.
type TargetGroupLoad struct {
	TargetGroupArn    string  `json:"targetGroupArn"`
	RequestsPerMinute float64 `json:"requestsPerMinute"`
}

// LoadControl handles the control endpoints that set simulated load. Its
// Region is the default region of loads that name none.
type LoadControl struct {
	Store  *store.Store
	Region string
}

func badLoad(format string, args ...any) error {
	return apierror.WithStatus(400, "InvalidParameterException", format, args...)
}

// arnScope reads the region and account of an ARN.
func arnScope(arn string) (store.Scope, bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return store.Scope{}, false
	}
	return store.Scope{Account: p[4], Region: p[3]}, true
}

// PutServiceLoad handles PUT /_longshore/ecs/load.
func (l *LoadControl) PutServiceLoad(ctx context.Context, body []byte) (any, error) {
	var in ServiceLoad
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, badLoad("The body must be JSON: {\"cluster\", \"service\", \"cpu\", \"memory\"}.")
	}
	if in.Service == "" || in.CPU < 0 || in.Memory < 0 || math.IsNaN(in.CPU) || math.IsNaN(in.Memory) {
		return nil, badLoad("service is required; cpu and memory are percentages of zero or more.")
	}
	sc := store.Scope{Account: in.Account, Region: in.Region}
	if s, ok := arnScope(in.Cluster); ok {
		sc = s
	} else if s, ok := arnScope(in.Service); ok {
		sc = s
	}
	if sc.Account == "" {
		sc.Account = api.DefaultAccount
	}
	if sc.Region == "" {
		sc.Region = l.Region
	}
	cluster := in.Cluster
	if i := strings.LastIndexByte(cluster, '/'); i >= 0 {
		cluster = cluster[i+1:]
	}
	if cluster == "" {
		cluster = "default"
	}
	service := in.Service
	if i := strings.LastIndexByte(service, '/'); i >= 0 {
		service = service[i+1:]
	}
	in.Cluster, in.Service, in.Account, in.Region = cluster, service, sc.Account, sc.Region
	arn := ecsServiceARN(sc, "service/"+cluster+"/"+service)
	err := l.Store.Write(ctx, func(tx *store.Tx) error {
		svc, err := ecscore.Services.Get(tx, sc, arn)
		if err != nil {
			return err
		}
		if svc == nil {
			return apierror.WithStatus(404, "ServiceNotFoundException", "Service not found: %s", arn)
		}
		return ServiceLoads.Put(tx, sc, arn, store.Index{Parent: cluster, Name: service}, &in)
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// PutTargetGroupLoad handles PUT /_longshore/elbv2/load.
func (l *LoadControl) PutTargetGroupLoad(ctx context.Context, body []byte) (any, error) {
	var in TargetGroupLoad
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, badLoad("The body must be JSON: {\"targetGroupArn\", \"requestsPerMinute\"}.")
	}
	sc, ok := arnScope(in.TargetGroupArn)
	if !ok || !strings.Contains(in.TargetGroupArn, ":targetgroup/") {
		return nil, badLoad("targetGroupArn must be a target group ARN.")
	}
	if in.RequestsPerMinute < 0 || math.IsNaN(in.RequestsPerMinute) {
		return nil, badLoad("requestsPerMinute must be zero or more.")
	}
	err := l.Store.Write(ctx, func(tx *store.Tx) error {
		return TargetGroupLoads.Put(tx, sc, in.TargetGroupArn, store.Index{}, &in)
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// publishMetrics publishes the metrics AWS services would: AWS/ECS
// CPUUtilization and MemoryUtilization of services with a simulated load, and
// AWS/ApplicationELB RequestCount and RequestCountPerTarget of target groups.
func publishMetrics(tx *store.Tx, now time.Time) error {
	scopes, err := ServiceLoads.Scopes(tx)
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		loads, err := ServiceLoads.List(tx, sc, store.Query{})
		if err != nil {
			return err
		}
		for _, it := range loads {
			l := it.Doc
			svc, err := ecscore.Services.Get(tx, sc, it.ID)
			if err != nil {
				return err
			}
			if svc == nil || aws.ToString(svc.Status) != "ACTIVE" {
				continue
			}
			dims := []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String(l.Cluster)}, {Name: aws.String("ServiceName"), Value: aws.String(l.Service)}}
			if err := cw.Publish(tx, sc,
				cw.Datum{Namespace: "AWS/ECS", MetricName: "CPUUtilization", Dimensions: dims, Time: now, Value: l.CPU, Unit: cwtypes.StandardUnitPercent},
				cw.Datum{Namespace: "AWS/ECS", MetricName: "MemoryUtilization", Dimensions: dims, Time: now, Value: l.Memory, Unit: cwtypes.StandardUnitPercent},
			); err != nil {
				return err
			}
		}
	}
	scopes, err = TargetGroupLoads.Scopes(tx)
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		loads, err := TargetGroupLoads.List(tx, sc, store.Query{})
		if err != nil {
			return err
		}
		for _, it := range loads {
			arn := it.Doc.TargetGroupArn
			targets, err := targetsOf(tx, sc, arn)
			if err != nil {
				return err
			}
			dims := []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(arn[strings.Index(arn, "targetgroup/"):])}}
			rpm := it.Doc.RequestsPerMinute
			if err := cw.Publish(tx, sc,
				cw.Datum{Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Dimensions: dims, Time: now, Value: rpm, Unit: cwtypes.StandardUnitCount},
				cw.Datum{Namespace: "AWS/ApplicationELB", MetricName: "RequestCountPerTarget", Dimensions: dims, Time: now, Value: rpm / math.Max(1, float64(targets)), Unit: cwtypes.StandardUnitCount},
			); err != nil {
				return err
			}
		}
	}
	return nil
}

// targetsOf counts the targets of a target group: the running (else desired)
// tasks of the ECS services that register into it.
func targetsOf(tx *store.Tx, sc store.Scope, tgArn string) (int32, error) {
	svcs, err := ecscore.Services.List(tx, sc, store.Query{Status: "ACTIVE"})
	if err != nil {
		return 0, err
	}
	var n int32
	for _, it := range svcs {
		for _, lb := range it.Doc.LoadBalancers {
			if aws.ToString(lb.TargetGroupArn) == tgArn {
				if it.Doc.RunningCount > 0 {
					n += it.Doc.RunningCount
				} else {
					n += it.Doc.DesiredCount
				}
				break
			}
		}
	}
	return n, nil
}
