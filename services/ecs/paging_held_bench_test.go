package ecs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/services/core/ecscore"
	"github.com/longshore/longshore/store"
)

const benchCluster = "arn:aws:ecs:us-east-1:000000000000:cluster/default"

// holdWrite stores documents straight through the store (making 65k through
// the API would take minutes).
func holdWrite(tb testing.TB, st *store.Store, fn func(tx *store.Tx) error) {
	if err := st.Write(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

func putBenchCluster(tx *store.Tx) error {
	return ecscore.PutCluster(tx, ecsScope, &types.Cluster{ClusterArn: aws.String(benchCluster), ClusterName: aws.String("default"), Status: aws.String("ACTIVE")})
}

// holdCapacityProviders stores n capacity providers of the account.
func holdCapacityProviders(tb testing.TB, st *store.Store, sc store.Scope, n int) {
	holdWrite(tb, st, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("cp%06d", i)
			cp := &types.CapacityProvider{Name: aws.String(name), Status: types.CapacityProviderStatusActive,
				CapacityProviderArn: aws.String("arn:aws:ecs:us-east-1:000000000000:capacity-provider/" + name)}
			if err := ecscore.CapacityProviders.Put(tx, sc, name, capacityProviderIndex(cp), cp); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkDescribeCapacityProvidersPage reads the third 10-provider page
// (the most ECS gives) with 1k and 65k providers held:
//
//	go test ./services/ecs -run '^$' -bench 'CapacityProvidersPage'
func BenchmarkDescribeCapacityProvidersPage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) { holdCapacityProviders(tb, st, ecsScope, n) },
		func(tb testing.TB, st *store.Store, token *string) (int, *string) {
			out := apitest.Read(tb, st, ecsScope, describeCapacityProviders, &ecs.DescribeCapacityProvidersInput{NextToken: token})
			return len(out.CapacityProviders), out.NextToken
		}, 10)
}

// holdContainerInstances stores n container instances of the default
// cluster, each with two custom attributes.
func holdContainerInstances(tb testing.TB, st *store.Store, n int) {
	holdWrite(tb, st, func(tx *store.Tx) error {
		if err := putBenchCluster(tx); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			ci := &types.ContainerInstance{Status: aws.String("ACTIVE"), Ec2InstanceId: aws.String(fmt.Sprintf("i-%017d", i)),
				ContainerInstanceArn: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:000000000000:container-instance/default/%032d", i)),
				Attributes:           []types.Attribute{{Name: aws.String("stack"), Value: aws.String("blue")}, {Name: aws.String("rack"), Value: aws.String(fmt.Sprint(i % 7))}}}
			if err := ecscore.PutContainerInstance(tx, ecsScope, benchCluster, ci); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkListAttributesPage reads the third 100-attribute page with 1k
// and 65k container instances held in the cluster:
//
//	go test ./services/ecs -run '^$' -bench 'ListAttributesPage'
func BenchmarkListAttributesPage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) { holdContainerInstances(tb, st, n) },
		func(tb testing.TB, st *store.Store, token *string) (int, *string) {
			out := apitest.Read(tb, st, ecsScope, listAttributes, &ecs.ListAttributesInput{Cluster: aws.String("default"),
				TargetType: types.TargetTypeContainerInstance, NextToken: token})
			return len(out.Attributes), out.NextToken
		}, 100)
}

// holdServices stores n services of the default cluster; 1000 of them,
// spread among the others, use the Service Connect namespace app.local.
func holdServices(tb testing.TB, st *store.Store, n int) {
	holdWrite(tb, st, func(tx *store.Tx) error {
		if err := putBenchCluster(tx); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			ns := "other.local"
			if i%(n/1000) == 0 {
				ns = "app.local"
			}
			name := fmt.Sprintf("svc%06d", i)
			svc := &types.Service{ServiceName: aws.String(name), ClusterArn: aws.String(benchCluster), Status: aws.String(ecscore.ServiceActive),
				ServiceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service/default/" + name),
				Deployments: []types.Deployment{{Status: aws.String(ecscore.DeploymentPrimary),
					ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(ns)}}}}
			if err := ecscore.PutService(tx, ecsScope, svc); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkListServicesByNamespacePage reads the third 100-service page of
// one namespace's 1000 services with 1k and 65k services held:
//
//	go test ./services/ecs -run '^$' -bench 'ListServicesByNamespacePage'
func BenchmarkListServicesByNamespacePage(b *testing.B) {
	apitest.BenchThirdPage(b, func(tb testing.TB, st *store.Store, n int) { holdServices(tb, st, n) },
		func(tb testing.TB, st *store.Store, token *string) (int, *string) {
			out := apitest.Read(tb, st, ecsScope, listServicesByNamespace, &ecs.ListServicesByNamespaceInput{Namespace: aws.String("app.local"),
				MaxResults: aws.Int32(100), NextToken: token})
			return len(out.ServiceArns), out.NextToken
		}, 100)
}

// Pages walk what a whole listing held in memory would, once each.
func TestHeldListingsPageAll(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdCapacityProviders(t, st, ecsScope, 25)
	holdContainerInstances(t, st, 30)
	holdServices(t, st, 2000)
	var names []string
	in := &ecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(4)}
	for {
		out := apitest.Read(t, st, ecsScope, describeCapacityProviders, in)
		for _, cp := range out.CapacityProviders {
			names = append(names, aws.ToString(cp.Name))
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if len(names) != 27 || names[0] != "FARGATE" || names[1] != "FARGATE_SPOT" || names[2] != "cp000000" || names[26] != "cp000024" {
		t.Errorf("capacity providers %v", names)
	}
	var attrs []string
	ain := &ecs.ListAttributesInput{Cluster: aws.String("default"), TargetType: types.TargetTypeContainerInstance, MaxResults: aws.Int32(7)}
	for {
		out := apitest.Read(t, st, ecsScope, listAttributes, ain)
		for _, a := range out.Attributes {
			attrs = append(attrs, aws.ToString(a.TargetId)[len(aws.ToString(a.TargetId))-2:]+"/"+aws.ToString(a.Name))
		}
		if ain.NextToken = out.NextToken; ain.NextToken == nil {
			break
		}
	}
	if len(attrs) != 60 || attrs[0] != "00/stack" || attrs[1] != "00/rack" || attrs[7] != "03/rack" || attrs[59] != "29/rack" {
		t.Errorf("attributes %v", attrs)
	}
	ain = &ecs.ListAttributesInput{Cluster: aws.String("default"), TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("rack"),
		AttributeValue: aws.String("3"), MaxResults: aws.Int32(2)}
	attrs = nil
	for {
		out := apitest.Read(t, st, ecsScope, listAttributes, ain)
		for _, a := range out.Attributes {
			attrs = append(attrs, aws.ToString(a.TargetId)[len(aws.ToString(a.TargetId))-2:])
		}
		if ain.NextToken = out.NextToken; ain.NextToken == nil {
			break
		}
	}
	if fmt.Sprint(attrs) != "[03 10 17 24]" {
		t.Errorf("rack=3 on %v", attrs)
	}
	for _, ref := range []string{"app.local", "arn:aws:servicediscovery:us-east-1:000000000000:namespace/app.local"} {
		var svcs []string
		sin := &ecs.ListServicesByNamespaceInput{Namespace: aws.String(ref), MaxResults: aws.Int32(100)}
		for {
			out := apitest.Read(t, st, ecsScope, listServicesByNamespace, sin)
			svcs = append(svcs, out.ServiceArns...)
			if sin.NextToken = out.NextToken; sin.NextToken == nil {
				break
			}
		}
		if len(svcs) != 1000 || !hasSuffix(svcs[1], "/svc000002") {
			t.Errorf("%s: %d services from %v", ref, len(svcs), svcs[:2])
		}
	}
}

// holdTasks stores n RUNNING tasks of the default cluster: 1000 of them,
// spread among the others, of service web, the rest of other services; and
// as many of service web in another cluster.
func holdTasks(tb testing.TB, st *store.Store, n int) {
	holdWrite(tb, st, func(tx *store.Tx) error {
		if err := putBenchCluster(tx); err != nil {
			return err
		}
		web := &types.Service{ServiceName: aws.String("web"), ClusterArn: aws.String(benchCluster), Status: aws.String(ecscore.ServiceActive),
			ServiceArn: aws.String("arn:aws:ecs:us-east-1:000000000000:service/default/web")}
		if err := ecscore.PutService(tx, ecsScope, web); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			group := fmt.Sprintf("service:svc%06d", i)
			if i%(n/1000) == 0 {
				group = "service:web"
			}
			for _, cluster := range []string{benchCluster, benchCluster + "2"} {
				if cluster != benchCluster && group != "service:web" {
					continue
				}
				t := &types.Task{TaskArn: aws.String(fmt.Sprintf("%s/task/%032d", cluster, i)), ClusterArn: aws.String(cluster), Group: aws.String(group),
					DesiredStatus: aws.String(ecscore.TaskRunning), LastStatus: aws.String(ecscore.TaskRunning)}
				if err := ecscore.PutTask(tx, ecsScope, t); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// BenchmarkListTasksOfServicePage reads the third 100-task page of one
// service's 1000 tasks with 1k and 65k tasks held in the cluster:
//
//	go test ./services/ecs -run '^$' -bench 'ListTasksOfServicePage'
func BenchmarkListTasksOfServicePage(b *testing.B) {
	apitest.BenchThirdPage(b, holdTasks, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := apitest.Read(tb, st, ecsScope, listTasks, &ecs.ListTasksInput{Cluster: aws.String("default"), ServiceName: aws.String("web"), NextToken: token})
		return len(out.TaskArns), out.NextToken
	}, 100)
}

// A service's task pages hold its tasks in its cluster alone, each once.
func TestListTasksOfServicePages(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdTasks(t, st, 3000)
	in := &ecs.ListTasksInput{Cluster: aws.String("default"), ServiceName: aws.String("web"), MaxResults: aws.Int32(70)}
	seen := map[string]bool{}
	for {
		out := apitest.Read(t, st, ecsScope, listTasks, in)
		for _, arn := range out.TaskArns {
			if seen[arn] || !strings.HasPrefix(arn, benchCluster+"/") {
				t.Fatalf("task %s", arn)
			}
			seen[arn] = true
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if len(seen) != 1000 {
		t.Errorf("%d tasks", len(seen))
	}
}
