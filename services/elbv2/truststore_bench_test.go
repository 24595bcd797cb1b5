package elbv2

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/api/apitest"
	"github.com/longshore/longshore/store"
)

const benchTrustStore = "arn:aws:elasticloadbalancing:us-east-1:000000000000:truststore/ts/0123456789abcdef"

// holdListeners stores a trust store and n listeners, each of its own load
// balancer, straight through the store; 1000 of them, spread among the
// others, verify clients with the trust store.
func holdListeners(tb testing.TB, st *store.Store, n int) {
	err := st.Write(context.Background(), func(tx *store.Tx) error {
		ts := &trustStore{TS: types.TrustStore{Name: aws.String("ts"), TrustStoreArn: aws.String(benchTrustStore)}}
		if err := putTrustStore(tx, benchScope, ts); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			lbArn := fmt.Sprintf("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/lb%06d/0", i)
			l := &listener{L: types.Listener{ListenerArn: aws.String(fmt.Sprintf("%s/listener/%06d", lbArn, i)), LoadBalancerArn: aws.String(lbArn)}}
			if i%(n/1000) == 0 {
				l.L.MutualAuthentication = &types.MutualAuthenticationAttributes{Mode: aws.String("verify"), TrustStoreArn: aws.String(benchTrustStore)}
			}
			if err := putListener(tx, benchScope, l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDescribeTrustStoreAssociationsPage reads the third 100-item page
// of a trust store's 1000 load balancers with 1k and 65k listeners held:
//
//	go test ./services/elbv2 -run '^$' -bench 'TrustStoreAssociationsPage'
func BenchmarkDescribeTrustStoreAssociationsPage(b *testing.B) {
	h := &handlers{}
	apitest.BenchThirdPage(b, holdListeners, func(tb testing.TB, st *store.Store, token *string) (int, *string) {
		out := elbCall(tb, st, "DescribeTrustStoreAssociations", h.describeTrustStoreAssociations,
			&elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: aws.String(benchTrustStore), PageSize: aws.Int32(100), Marker: token})
		return len(out.TrustStoreAssociations), out.NextMarker
	}, 100)
}

// A trust store's associations are the load balancers of the listeners
// that use it, each once.
func TestTrustStoreAssociationsFromListeners(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdListeners(t, st, 3000)
	// A second listener of a load balancer that uses the trust store already.
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		lbArn := "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/lb000003/0"
		return putListener(tx, benchScope, &listener{L: types.Listener{ListenerArn: aws.String(lbArn + "/listener/second"), LoadBalancerArn: aws.String(lbArn),
			MutualAuthentication: &types.MutualAuthenticationAttributes{Mode: aws.String("verify"), TrustStoreArn: aws.String(benchTrustStore)}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &handlers{}
	in := &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: aws.String(benchTrustStore), PageSize: aws.Int32(400)}
	seen := map[string]bool{}
	for {
		out := elbCall(t, st, "DescribeTrustStoreAssociations", h.describeTrustStoreAssociations, in)
		for _, a := range out.TrustStoreAssociations {
			if seen[*a.ResourceArn] {
				t.Fatalf("%s listed twice", *a.ResourceArn)
			}
			seen[*a.ResourceArn] = true
		}
		if in.Marker = out.NextMarker; in.Marker == nil {
			break
		}
	}
	if len(seen) != 1000 {
		t.Errorf("%d associations", len(seen))
	}
}

// A marker that held a listener's position, as the listing's markers did
// before they named a load balancer, is refused as a bad marker rather than
// read as a load balancer.
func TestTrustStoreAssociationsRefuseListenerMarkers(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holdListeners(t, st, 1000)
	h := &handlers{}
	const op = "DescribeTrustStoreAssociations"
	old := api.EncodeToken(benchScope.Account+"/"+benchScope.Region+"/"+op+"/"+benchTrustStore, 5)
	err = st.Read(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Operation: op, Region: benchScope.Region, Caller: api.Principal{Account: benchScope.Account}, Tx: tx}
		_, err := h.describeTrustStoreAssociations(c, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: aws.String(benchTrustStore), Marker: aws.String(old)})
		return err
	})
	if err == nil || err.Error() != errValidation("Invalid value for marker: '%s'", old).Error() {
		t.Errorf("old marker: %v", err)
	}
}
