package elbv2

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// loadBalancer is a stored load balancer: the SDK document plus what ELBv2
// reports through other calls.
type loadBalancer struct {
	LB         types.LoadBalancer
	Attributes map[string]string
	// ActiveAt is when provisioning ends; the state is derived from it.
	ActiveAt time.Time
	Capacity capacityReservation
	// ENIs are the load balancer's network interfaces in EC2, one per subnet.
	ENIs []string
}

// targetGroup is a stored target group. LoadBalancerArns in TG is kept in step
// with the listeners and rules that forward to it.
type targetGroup struct {
	TG         types.TargetGroup
	Attributes map[string]string
	// InUseSince is when a load balancer first forwarded to the group (nil: unused).
	InUseSince *time.Time
}

// listener is a stored listener; its default rule is stored as a rule too.
type listener struct {
	L          types.Listener
	Attributes map[string]string
	// Certificates is the listener's certificate list (for SNI); the default
	// certificate is L.Certificates[0] and may also be in this list.
	Certificates   []types.Certificate
	DefaultRuleArn string
}

// rule is a stored listener rule (the default rule included).
type rule struct {
	R               types.Rule
	ListenerArn     string
	LoadBalancerArn string
}

var (
	loadBalancers = store.Collection[loadBalancer]{Kind: "elbv2/loadbalancer"}
	targetGroups  = store.Collection[targetGroup]{Kind: "elbv2/targetgroup"}
	listeners     = store.Collection[listener]{Kind: "elbv2/listener"}
	rules         = store.Collection[rule]{Kind: "elbv2/rule"}
	tagSets       = store.Collection[[]types.Tag]{Kind: "elbv2/tags"}
)

func putLoadBalancer(tx *store.Tx, sc store.Scope, lb *loadBalancer) error {
	return loadBalancers.Put(tx, sc, *lb.LB.LoadBalancerArn, store.Index{Name: *lb.LB.LoadBalancerName, Attr: string(lb.LB.Type)}, lb)
}

func putTargetGroup(tx *store.Tx, sc store.Scope, tg *targetGroup) error {
	return targetGroups.Put(tx, sc, *tg.TG.TargetGroupArn, store.Index{Name: *tg.TG.TargetGroupName}, tg)
}

func putListener(tx *store.Tx, sc store.Scope, l *listener) error {
	// Attr is the trust store the listener verifies clients with, followed
	// by its load balancer (trustStoreUse), so that a trust store's load
	// balancers are paged from the attr index alone, each once.
	var use string
	if m := l.L.MutualAuthentication; m != nil && aws.ToString(m.TrustStoreArn) != "" {
		use = trustStoreUse(*m.TrustStoreArn, *l.L.LoadBalancerArn)
	}
	return listeners.Put(tx, sc, *l.L.ListenerArn, store.Index{Parent: *l.L.LoadBalancerArn, Attr: use}, l)
}

// trustStoreUse is the Attr of a listener of load balancer lbArn that
// verifies clients with trust store tsArn. ARNs hold no space, so the
// trust store's prefix (trustStoreUsers) matches its own listeners only.
func trustStoreUse(tsArn, lbArn string) string {
	return trustStoreUsers(tsArn) + lbArn
}

// trustStoreUsers is the Attr prefix of the listeners that use trust store
// tsArn.
func trustStoreUsers(tsArn string) string { return tsArn + " " }

func putRule(tx *store.Tx, sc store.Scope, r *rule) error {
	return rules.Put(tx, sc, *r.R.RuleArn, store.Index{Parent: r.ListenerArn, Attr: r.LoadBalancerArn}, r)
}

func getLoadBalancer(c *api.Context, arn string) (*loadBalancer, error) {
	lb, err := loadBalancers.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if lb == nil {
		return nil, errLoadBalancerNotFound()
	}
	return lb, nil
}

func getTargetGroup(c *api.Context, arn string) (*targetGroup, error) {
	tg, err := targetGroups.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if tg == nil {
		return nil, errTargetGroupNotFound()
	}
	return tg, nil
}

func getListener(c *api.Context, arn string) (*listener, error) {
	l, err := listeners.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, errListenerNotFound()
	}
	return l, nil
}

func getRule(c *api.Context, arn string) (*rule, error) {
	r, err := rules.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errRuleNotFound()
	}
	return r, nil
}

// docs returns the documents of listed items.
func docs[T any](items []store.Item[T]) []*T {
	out := make([]*T, len(items))
	for i, it := range items {
		out[i] = it.Doc
	}
	return out
}

// view is the load balancer as Describe shows it at now.
func (lb *loadBalancer) view(now time.Time) types.LoadBalancer {
	v := lb.LB
	if now.Before(lb.ActiveAt) {
		v.State = &types.LoadBalancerState{Code: types.LoadBalancerStateEnumProvisioning}
	} else {
		v.State = &types.LoadBalancerState{Code: types.LoadBalancerStateEnumActive}
	}
	return v
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func ptrEq(a, b *string) bool { return aws.ToString(a) == aws.ToString(b) }
