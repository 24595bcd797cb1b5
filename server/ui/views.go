package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	asg "github.com/aws/aws-sdk-go-v2/service/autoscaling"
	cw "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/scheduler"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

// section is one part of a view. Item sections are kept up to date one
// item at a time (load reads them whole once); whole sections, small and
// read through the services' Describe handlers, are read again entirely
// when a document of their kinds changes.
type section struct {
	name string
	load func(r *reader, k key) (map[string]any, error)
	// item reads one item; nil (no error) means it is not in the view.
	item func(r *reader, k key, id string) (any, error)
}

// view is one screen of the page: its sections, and route, which marks
// what a change touches.
type view struct {
	sections []section
	route    func(st *viewState, c store.Change)
}

func allViews() map[string]*view {
	return map[string]*view{
		"clusters": clustersView(),
		"cluster":  clusterView(),
		"service":  serviceView(),
		"task":     taskView(),
		"lbs":      {sections: []section{{name: "lbs", load: loadBalancers}}, route: onKinds("elbv2/", "lbs")},
		"asgs": {sections: []section{{name: "groups", load: autoScalingGroups}, {name: "activities", load: autoScalingActivities}},
			route: onKinds("autoscaling/", "groups", "activities")},
		"alarms": {sections: []section{{name: "alarms", load: alarms}}, route: onKinds("cloudwatch/alarm", "alarms")},
	}
}

// onKinds marks whole sections when a document whose kind starts with prefix changes.
func onKinds(prefix string, sections ...string) func(*viewState, store.Change) {
	return func(st *viewState, c store.Change) {
		if strings.HasPrefix(c.Kind, prefix) {
			for _, s := range sections {
				st.mark(s, "")
			}
		}
	}
}

// ----- Clusters -----

func clustersView() *view {
	return &view{
		sections: []section{
			{name: "clusters", load: func(r *reader, k key) (map[string]any, error) {
				out := map[string]any{}
				cls, err := ecscore.Clusters.List(r.tx, r.sc, store.Query{})
				if err != nil {
					return nil, err
				}
				for _, cl := range cls {
					it, err := newClusterItem(r.tx, r.sc, cl.Doc)
					if err != nil {
						return nil, err
					}
					out[cl.ID] = it
				}
				return out, nil
			}, item: clusterByArn},
			{name: "providers", load: capacityProviders},
		},
		route: func(st *viewState, c store.Change) {
			switch c.Kind {
			case ecscore.Clusters.Kind:
				st.mark("clusters", c.ID)
			case ecscore.Tasks.Kind, ecscore.Services.Kind, ecscore.ContainerInstances.Kind:
				if !c.Deleted {
					st.mark("clusters", c.Parent)
				} else {
					st.mark("clusters", "")
				}
			case ecscore.CapacityProviders.Kind:
				st.mark("providers", "")
			}
		},
	}
}

func clusterByArn(r *reader, k key, id string) (any, error) {
	cl, err := cached(r, ecscore.Clusters, id)
	if err != nil || cl == nil {
		return nil, err
	}
	return newClusterItem(r.tx, r.sc, cl)
}

type providerItem struct {
	Name           string `json:"name"`
	Status         string `json:"status"`
	AutoScaling    string `json:"autoScalingGroup,omitempty"`
	ManagedScaling string `json:"managedScaling,omitempty"`
	TargetCapacity int32  `json:"targetCapacity,omitempty"`
}

func capacityProviders(r *reader, k key) (map[string]any, error) {
	cps, err := ecscore.CapacityProviders.List(r.tx, r.sc, store.Query{})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, cp := range cps {
		it := providerItem{Name: aws.ToString(cp.Doc.Name), Status: string(cp.Doc.Status)}
		if p := cp.Doc.AutoScalingGroupProvider; p != nil {
			it.AutoScaling = lastPart(aws.ToString(p.AutoScalingGroupArn))
			if m := p.ManagedScaling; m != nil {
				it.ManagedScaling = string(m.Status)
				it.TargetCapacity = aws.ToInt32(m.TargetCapacity)
			}
		}
		out[cp.ID] = it
	}
	return out, nil
}

// ----- Cluster -----

func clusterView() *view {
	return &view{
		sections: []section{
			{name: "cluster", load: func(r *reader, k key) (map[string]any, error) {
				it, err := clusterByArn(r, k, k.ID)
				if err != nil || it == nil {
					return map[string]any{}, err
				}
				return map[string]any{k.ID: it}, nil
			}, item: clusterByArn},
			{name: "instances", load: func(r *reader, k key) (map[string]any, error) {
				cis, err := ecscore.ContainerInstances.List(r.tx, r.sc, store.Query{Parent: k.ID})
				if err != nil {
					return nil, err
				}
				out := map[string]any{}
				for _, ci := range cis {
					out[ci.ID] = newInstanceItem(ci.Doc)
				}
				return out, nil
			}, item: func(r *reader, k key, id string) (any, error) {
				ci, err := cached(r, ecscore.ContainerInstances, id)
				if err != nil || ci == nil {
					return nil, err
				}
				return newInstanceItem(ci), nil
			}},
			{name: "tasks", load: func(r *reader, k key) (map[string]any, error) {
				ts, err := ecscore.Tasks.List(r.tx, r.sc, store.Query{Parent: k.ID})
				if err != nil {
					return nil, err
				}
				out := map[string]any{}
				for _, t := range ts {
					if aws.ToString(t.Doc.LastStatus) != ecscore.TaskStopped {
						out[t.ID] = newTaskItem(t.Doc)
					}
				}
				return out, nil
			}, item: func(r *reader, k key, id string) (any, error) {
				t, err := cached(r, ecscore.Tasks, id)
				if err != nil || t == nil || aws.ToString(t.ClusterArn) != k.ID || aws.ToString(t.LastStatus) == ecscore.TaskStopped {
					return nil, err
				}
				return newTaskItem(t), nil
			}},
			{name: "services", load: func(r *reader, k key) (map[string]any, error) {
				ss, err := ecscore.Services.List(r.tx, r.sc, store.Query{Parent: k.ID})
				if err != nil {
					return nil, err
				}
				out := map[string]any{}
				for _, s := range ss {
					out[s.ID] = newServiceSummary(s.Doc)
				}
				return out, nil
			}, item: func(r *reader, k key, id string) (any, error) {
				s, err := cached(r, ecscore.Services, id)
				if err != nil || s == nil {
					return nil, err
				}
				return newServiceSummary(s), nil
			}},
		},
		route: func(st *viewState, c store.Change) {
			in := c.Parent == st.key.ID || c.Deleted
			var sec string
			switch c.Kind {
			case ecscore.Clusters.Kind:
				if c.ID == st.key.ID {
					st.mark("cluster", c.ID)
				}
				return
			case ecscore.ContainerInstances.Kind:
				sec = "instances"
			case ecscore.Tasks.Kind:
				sec = "tasks"
			case ecscore.Services.Kind:
				sec = "services"
			default:
				return
			}
			if c.Deleted && !st.has(sec, c.ID) {
				return
			}
			if in {
				st.mark(sec, c.ID)
				st.mark("cluster", st.key.ID)
			}
		},
	}
}

// ----- Service -----

// serviceItem is the service view's service.
type serviceItem struct {
	Arn               string                               `json:"arn"`
	Name              string                               `json:"name"`
	Cluster           string                               `json:"cluster"`
	Status            string                               `json:"status"`
	Desired           int32                                `json:"desired"`
	Running           int32                                `json:"running"`
	Pending           int32                                `json:"pending"`
	LaunchType        string                               `json:"launchType,omitempty"`
	TaskDefinition    string                               `json:"taskDefinition"`
	Controller        string                               `json:"controller"`
	Strategy          string                               `json:"strategy"`
	Deployments       []types.Deployment                   `json:"deployments"`
	TaskSets          []types.TaskSet                      `json:"taskSets,omitempty"`
	Events            []types.ServiceEvent                 `json:"events"`
	LoadBalancers     []types.LoadBalancer                 `json:"loadBalancers"`
	DeploymentCfg     *types.DeploymentConfiguration       `json:"deploymentConfiguration,omitempty"`
	CapacityProviders []types.CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
}

func newServiceItem(s *types.Service) serviceItem {
	it := serviceItem{Arn: aws.ToString(s.ServiceArn), Name: aws.ToString(s.ServiceName), Cluster: aws.ToString(s.ClusterArn),
		Status: aws.ToString(s.Status), Desired: s.DesiredCount, Running: s.RunningCount, Pending: s.PendingCount,
		LaunchType: string(s.LaunchType), TaskDefinition: revision(aws.ToString(s.TaskDefinition)), Controller: "ECS",
		Strategy: "ROLLING", Deployments: s.Deployments, TaskSets: s.TaskSets, Events: s.Events, LoadBalancers: s.LoadBalancers,
		DeploymentCfg: s.DeploymentConfiguration, CapacityProviders: s.CapacityProviderStrategy}
	if s.DeploymentController != nil {
		it.Controller = string(s.DeploymentController.Type)
	}
	if d := s.DeploymentConfiguration; d != nil && d.Strategy != "" {
		it.Strategy = string(d.Strategy)
	}
	if len(it.Events) > 25 {
		it.Events = it.Events[:25]
	}
	if it.Deployments == nil {
		it.Deployments = []types.Deployment{}
	}
	if it.Events == nil {
		it.Events = []types.ServiceEvent{}
	}
	if it.LoadBalancers == nil {
		it.LoadBalancers = []types.LoadBalancer{}
	}
	return it
}

// clusterOfService is the cluster ARN a service ARN (service/CLUSTER/NAME) names.
func clusterOfService(arn string) (cluster, name string) {
	i := strings.Index(arn, ":service/")
	if i < 0 {
		return "", ""
	}
	parts := strings.Split(arn[i+len(":service/"):], "/")
	if len(parts) != 2 {
		return "", ""
	}
	return arn[:i] + ":cluster/" + parts[0], parts[1]
}

func serviceView() *view {
	return &view{
		sections: []section{
			{name: "service", load: func(r *reader, k key) (map[string]any, error) {
				s, err := cached(r, ecscore.Services, k.ID)
				if err != nil || s == nil {
					return map[string]any{}, err
				}
				return map[string]any{k.ID: newServiceItem(s)}, nil
			}, item: func(r *reader, k key, id string) (any, error) {
				s, err := cached(r, ecscore.Services, id)
				if err != nil || s == nil {
					return nil, err
				}
				return newServiceItem(s), nil
			}},
			{name: "tasks", load: func(r *reader, k key) (map[string]any, error) {
				cluster, name := clusterOfService(k.ID)
				out := map[string]any{}
				if cluster == "" {
					return out, nil
				}
				ts, err := ecscore.Tasks.List(r.tx, r.sc, store.Query{Parent: cluster, Name: "service:" + name})
				if err != nil {
					return nil, err
				}
				for _, t := range ts {
					out[t.ID] = newTaskItem(t.Doc)
				}
				return out, nil
			}, item: func(r *reader, k key, id string) (any, error) {
				cluster, name := clusterOfService(k.ID)
				t, err := cached(r, ecscore.Tasks, id)
				if err != nil || t == nil || aws.ToString(t.ClusterArn) != cluster || aws.ToString(t.Group) != "service:"+name {
					return nil, err
				}
				return newTaskItem(t), nil
			}},
			{name: "deployments", load: func(r *reader, k key) (map[string]any, error) {
				sds, err := ecscore.ServiceDeployments.List(r.tx, r.sc, store.Query{Parent: k.ID, Desc: true, Limit: 10})
				if err != nil {
					return nil, err
				}
				out := map[string]any{}
				for _, sd := range sds {
					out[sd.ID] = sd.Doc
				}
				return out, nil
			}},
			{name: "lb", load: serviceTargets},
			{name: "scaling", load: serviceScaling},
		},
		route: func(st *viewState, c store.Change) {
			cluster, _ := clusterOfService(st.key.ID)
			switch {
			case c.Kind == ecscore.Services.Kind:
				if c.ID == st.key.ID {
					st.mark("service", c.ID)
				}
			case c.Kind == ecscore.Tasks.Kind:
				if c.Parent == cluster || c.Deleted && st.has("tasks", c.ID) {
					st.mark("tasks", c.ID)
				}
			case c.Kind == ecscore.ServiceDeployments.Kind:
				if c.Parent == st.key.ID || c.Deleted && st.has("deployments", c.ID) {
					st.mark("deployments", "")
				}
			case strings.HasPrefix(c.Kind, "elbv2/"):
				st.mark("lb", "")
			case strings.HasPrefix(c.Kind, "appautoscaling/"), c.Kind == "cloudwatch/alarm":
				st.mark("scaling", "")
			}
		},
	}
}

// targetGroupItem is one target group of a service with its targets' health
// and the weight its listener gives it (-1 when no listener forwards to it).
type targetGroupItem struct {
	Arn      string       `json:"arn"`
	Name     string       `json:"name"`
	Port     int32        `json:"port"`
	Protocol string       `json:"protocol"`
	Role     string       `json:"role"` // "primary" or "alternate"
	Weight   int32        `json:"weight"`
	Targets  []targetItem `json:"targets"`
}

type targetItem struct {
	ID     string `json:"id"`
	Port   int32  `json:"port"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

func serviceTargets(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	s, err := cached(r, ecscore.Services, k.ID)
	if err != nil || s == nil {
		return out, err
	}
	roles := map[string]string{}
	var order []string
	var rules []string
	for _, lb := range s.LoadBalancers {
		if tg := aws.ToString(lb.TargetGroupArn); tg != "" && roles[tg] == "" {
			roles[tg] = "primary"
			order = append(order, tg)
		}
		if a := lb.AdvancedConfiguration; a != nil {
			if tg := aws.ToString(a.AlternateTargetGroupArn); tg != "" && roles[tg] == "" {
				roles[tg] = "alternate"
				order = append(order, tg)
			}
			if rule := aws.ToString(a.ProductionListenerRule); rule != "" {
				rules = append(rules, rule)
			}
		}
	}
	if len(order) == 0 {
		return out, nil
	}
	res, err := r.call("elbv2", "DescribeTargetGroups", &elb.DescribeTargetGroupsInput{TargetGroupArns: order})
	if err != nil {
		return out, nil // a target group gone is shown as nothing
	}
	tgs, _ := res.(*elb.DescribeTargetGroupsOutput)
	if tgs == nil {
		return out, nil
	}
	weights := map[string]int32{}
	addForward := func(actions []elbtypes.Action) {
		for _, a := range actions {
			if a.ForwardConfig != nil {
				for _, t := range a.ForwardConfig.TargetGroups {
					weights[aws.ToString(t.TargetGroupArn)] = aws.ToInt32(t.Weight)
				}
			} else if tg := aws.ToString(a.TargetGroupArn); tg != "" {
				weights[tg] = 1
			}
		}
	}
	if len(rules) > 0 {
		if res, err := r.call("elbv2", "DescribeRules", &elb.DescribeRulesInput{RuleArns: rules}); err == nil && res != nil {
			for _, rule := range res.(*elb.DescribeRulesOutput).Rules {
				addForward(rule.Actions)
			}
		}
	} else {
		seen := map[string]bool{}
		for _, tg := range tgs.TargetGroups {
			for _, lbArn := range tg.LoadBalancerArns {
				if seen[lbArn] {
					continue
				}
				seen[lbArn] = true
				if res, err := r.call("elbv2", "DescribeListeners", &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lbArn)}); err == nil && res != nil {
					for _, l := range res.(*elb.DescribeListenersOutput).Listeners {
						addForward(l.DefaultActions)
					}
				}
			}
		}
	}
	for _, tg := range tgs.TargetGroups {
		arn := aws.ToString(tg.TargetGroupArn)
		it := targetGroupItem{Arn: arn, Name: aws.ToString(tg.TargetGroupName), Port: aws.ToInt32(tg.Port),
			Protocol: string(tg.Protocol), Role: roles[arn], Weight: -1, Targets: []targetItem{}}
		if w, ok := weights[arn]; ok {
			it.Weight = w
		}
		if res, err := r.call("elbv2", "DescribeTargetHealth", &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)}); err == nil && res != nil {
			for _, d := range res.(*elb.DescribeTargetHealthOutput).TargetHealthDescriptions {
				ti := targetItem{}
				if d.Target != nil {
					ti.ID, ti.Port = aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port)
				}
				if h := d.TargetHealth; h != nil {
					ti.State, ti.Reason = string(h.State), string(h.Reason)
				}
				it.Targets = append(it.Targets, ti)
			}
		}
		out[arn] = it
	}
	return out, nil
}

// serviceScaling is the service's scalable target, policies with their
// alarms, and recent activities.
func serviceScaling(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	cluster, name := clusterOfService(k.ID)
	if cluster == "" {
		return out, nil
	}
	rid := "service/" + lastPart(cluster) + "/" + name
	res, err := r.call("application-autoscaling", "DescribeScalableTargets", &aas.DescribeScalableTargetsInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{rid}})
	if err != nil || res == nil {
		return out, err
	}
	for _, t := range res.(*aas.DescribeScalableTargetsOutput).ScalableTargets {
		out["target"] = map[string]any{"min": t.MinCapacity, "max": t.MaxCapacity, "dimension": t.ScalableDimension}
	}
	if len(out) == 0 {
		return out, nil
	}
	res, err = r.call("application-autoscaling", "DescribeScalingPolicies", &aas.DescribeScalingPoliciesInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid)})
	if err != nil {
		return nil, err
	}
	var alarmNames []string
	for _, p := range res.(*aas.DescribeScalingPoliciesOutput).ScalingPolicies {
		it := map[string]any{"name": aws.ToString(p.PolicyName), "type": p.PolicyType}
		if tt := p.TargetTrackingScalingPolicyConfiguration; tt != nil {
			it["target"] = aws.ToFloat64(tt.TargetValue)
			if m := tt.PredefinedMetricSpecification; m != nil {
				it["metric"] = m.PredefinedMetricType
			}
		}
		for _, a := range p.Alarms {
			alarmNames = append(alarmNames, aws.ToString(a.AlarmName))
		}
		out["policy:"+aws.ToString(p.PolicyName)] = it
	}
	if len(alarmNames) > 0 {
		slices.Sort(alarmNames)
		res, err = r.call("cloudwatch", "DescribeAlarms", &cw.DescribeAlarmsInput{AlarmNames: alarmNames})
		if err == nil && res != nil {
			for _, a := range res.(*cw.DescribeAlarmsOutput).MetricAlarms {
				out["alarm:"+aws.ToString(a.AlarmName)] = newAlarmItem(a)
			}
		}
	}
	res, err = r.call("application-autoscaling", "DescribeScalingActivities", &aas.DescribeScalingActivitiesInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid), MaxResults: aws.Int32(10)})
	if err != nil {
		return nil, err
	}
	for _, a := range res.(*aas.DescribeScalingActivitiesOutput).ScalingActivities {
		out["activity:"+aws.ToString(a.ActivityId)] = map[string]any{"description": aws.ToString(a.Description),
			"cause": aws.ToString(a.Cause), "status": a.StatusCode, "start": stamp(a.StartTime), "message": aws.ToString(a.StatusMessage)}
	}
	return out, nil
}

// ----- Task -----

func taskView() *view {
	return &view{
		sections: []section{
			{name: "task", load: func(r *reader, k key) (map[string]any, error) {
				t, err := cached(r, ecscore.Tasks, k.ID)
				if err != nil || t == nil {
					return map[string]any{}, err
				}
				return map[string]any{k.ID: newTaskDetail(t)}, nil
			}},
			{name: "logs", load: taskLogs},
		},
		route: func(st *viewState, c store.Change) {
			switch c.Kind {
			case ecscore.Tasks.Kind:
				if c.ID == st.key.ID {
					st.mark("task", "")
					st.mark("logs", "")
				}
			case store.LogEventKind:
				id := lastPart(st.key.ID)
				if strings.Contains(c.ID, id) || !strings.Contains(c.ID, "/") {
					st.mark("logs", "")
				}
			}
		},
	}
}

type logLine struct {
	Time    int64  `json:"t"`
	Message string `json:"m"`
}

// taskLogs is the tail of each awslogs container's stream.
func taskLogs(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	t, err := cached(r, ecscore.Tasks, k.ID)
	if err != nil || t == nil {
		return out, err
	}
	td, err := cached(r, ecscore.TaskDefinitions, aws.ToString(t.TaskDefinitionArn))
	if err != nil || td == nil {
		return out, err
	}
	for _, cd := range td.ContainerDefinitions {
		lc := cd.LogConfiguration
		if lc == nil || lc.LogDriver != types.LogDriverAwslogs {
			continue
		}
		name := aws.ToString(cd.Name)
		runtimeID := ""
		for _, c := range t.Containers {
			if aws.ToString(c.Name) == name {
				runtimeID = aws.ToString(c.RuntimeId)
			}
		}
		group := lc.Options["awslogs-group"]
		stream := scheduler.StreamName(lc.Options["awslogs-stream-prefix"], name, lastPart(k.ID), runtimeID)
		sc := r.sc
		if reg := lc.Options["awslogs-region"]; reg != "" {
			sc.Region = reg
		}
		it := map[string]any{"container": name, "group": group, "stream": stream, "lines": []logLine{}}
		if stream != "" {
			evs, err := store.LogEvents(r.tx, sc, store.LogEventQuery{Group: group, Streams: []string{stream}, Desc: true, Limit: 40})
			if err != nil {
				return nil, err
			}
			lines := make([]logLine, len(evs))
			for i, e := range evs {
				lines[len(evs)-1-i] = logLine{Time: e.Timestamp, Message: e.Message}
			}
			it["lines"] = lines
		}
		out[name] = it
	}
	return out, nil
}

// ----- Load balancers, Auto Scaling groups, alarms -----

type lbItem struct {
	Arn          string      `json:"arn"`
	Name         string      `json:"name"`
	Type         string      `json:"type"`
	Scheme       string      `json:"scheme"`
	State        string      `json:"state"`
	DNS          string      `json:"dns"`
	Listeners    []string    `json:"listeners"`
	TargetGroups []tgSummary `json:"targetGroups"`
}

type tgSummary struct {
	Arn     string         `json:"arn"`
	Name    string         `json:"name"`
	Port    int32          `json:"port"`
	States  map[string]int `json:"states"`
	Targets []targetItem   `json:"targets"`
}

func loadBalancers(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	res, err := r.call("elbv2", "DescribeLoadBalancers", &elb.DescribeLoadBalancersInput{})
	if err != nil || res == nil {
		return out, err
	}
	for _, lb := range res.(*elb.DescribeLoadBalancersOutput).LoadBalancers {
		arn := aws.ToString(lb.LoadBalancerArn)
		it := lbItem{Arn: arn, Name: aws.ToString(lb.LoadBalancerName), Type: string(lb.Type), Scheme: string(lb.Scheme),
			DNS: aws.ToString(lb.DNSName), Listeners: []string{}, TargetGroups: []tgSummary{}}
		if lb.State != nil {
			it.State = string(lb.State.Code)
		}
		if res, err := r.call("elbv2", "DescribeListeners", &elb.DescribeListenersInput{LoadBalancerArn: aws.String(arn)}); err == nil && res != nil {
			for _, l := range res.(*elb.DescribeListenersOutput).Listeners {
				it.Listeners = append(it.Listeners, fmt.Sprintf("%s:%d", l.Protocol, aws.ToInt32(l.Port)))
			}
		}
		if res, err := r.call("elbv2", "DescribeTargetGroups", &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(arn)}); err == nil && res != nil {
			for _, tg := range res.(*elb.DescribeTargetGroupsOutput).TargetGroups {
				s := tgSummary{Arn: aws.ToString(tg.TargetGroupArn), Name: aws.ToString(tg.TargetGroupName), Port: aws.ToInt32(tg.Port),
					States: map[string]int{}, Targets: []targetItem{}}
				if res, err := r.call("elbv2", "DescribeTargetHealth", &elb.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn}); err == nil && res != nil {
					for _, d := range res.(*elb.DescribeTargetHealthOutput).TargetHealthDescriptions {
						ti := targetItem{}
						if d.Target != nil {
							ti.ID, ti.Port = aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port)
						}
						if d.TargetHealth != nil {
							ti.State, ti.Reason = string(d.TargetHealth.State), string(d.TargetHealth.Reason)
						}
						s.States[ti.State]++
						s.Targets = append(s.Targets, ti)
					}
				}
				it.TargetGroups = append(it.TargetGroups, s)
			}
		}
		out[arn] = it
	}
	return out, nil
}

func autoScalingGroups(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	res, err := r.call("autoscaling", "DescribeAutoScalingGroups", &asg.DescribeAutoScalingGroupsInput{})
	if err != nil || res == nil {
		return out, err
	}
	for _, g := range res.(*asg.DescribeAutoScalingGroupsOutput).AutoScalingGroups {
		var insts []map[string]string
		for _, i := range g.Instances {
			insts = append(insts, map[string]string{"id": aws.ToString(i.InstanceId), "zone": aws.ToString(i.AvailabilityZone),
				"lifecycle": string(i.LifecycleState), "health": aws.ToString(i.HealthStatus), "type": aws.ToString(i.InstanceType)})
		}
		out[aws.ToString(g.AutoScalingGroupName)] = map[string]any{"name": aws.ToString(g.AutoScalingGroupName),
			"min": aws.ToInt32(g.MinSize), "max": aws.ToInt32(g.MaxSize), "desired": aws.ToInt32(g.DesiredCapacity),
			"zones": g.AvailabilityZones, "instances": insts, "status": aws.ToString(g.Status)}
	}
	return out, nil
}

func autoScalingActivities(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	res, err := r.call("autoscaling", "DescribeScalingActivities", &asg.DescribeScalingActivitiesInput{MaxRecords: aws.Int32(20)})
	if err != nil || res == nil {
		return out, err
	}
	for _, a := range res.(*asg.DescribeScalingActivitiesOutput).Activities {
		out[aws.ToString(a.ActivityId)] = map[string]any{"group": aws.ToString(a.AutoScalingGroupName),
			"description": aws.ToString(a.Description), "cause": aws.ToString(a.Cause), "status": a.StatusCode, "start": stamp(a.StartTime)}
	}
	return out, nil
}

type alarmItem struct {
	Name       string  `json:"name"`
	State      string  `json:"state"`
	Reason     string  `json:"reason"`
	Metric     string  `json:"metric"`
	Comparison string  `json:"comparison"`
	Threshold  float64 `json:"threshold"`
	Updated    string  `json:"updated"`
}

func newAlarmItem(a cwtypes.MetricAlarm) alarmItem {
	return alarmItem{Name: aws.ToString(a.AlarmName), State: string(a.StateValue), Reason: aws.ToString(a.StateReason),
		Metric: aws.ToString(a.Namespace) + " " + aws.ToString(a.MetricName), Comparison: string(a.ComparisonOperator),
		Threshold: aws.ToFloat64(a.Threshold), Updated: stamp(a.StateUpdatedTimestamp)}
}

func alarms(r *reader, k key) (map[string]any, error) {
	out := map[string]any{}
	res, err := r.call("cloudwatch", "DescribeAlarms", &cw.DescribeAlarmsInput{})
	if err != nil || res == nil {
		return out, err
	}
	for _, a := range res.(*cw.DescribeAlarmsOutput).MetricAlarms {
		out[aws.ToString(a.AlarmName)] = newAlarmItem(a)
	}
	return out, nil
}
