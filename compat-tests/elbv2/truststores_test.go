package elbv2_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestELBv2TrustStoresAndMutualTLS(t *testing.T) {
	e := start(t)
	out, err := e.c.CreateTrustStore(harness.Ctx, &elb.CreateTrustStoreInput{Name: aws.String("clients"),
		CaCertificatesBundleS3Bucket: aws.String("pki"), CaCertificatesBundleS3Key: aws.String("ca/bundle.pem"), Tags: []types.Tag{tag("k", "v")}})
	if err != nil {
		t.Fatal(err)
	}
	ts := out.TrustStores[0]
	if ts.Status != types.TrustStoreStatusActive || !strings.Contains(*ts.TrustStoreArn, ":truststore/clients/") || aws.ToInt64(ts.TotalRevokedEntries) != 0 {
		t.Errorf("trust store %+v", ts)
	}
	_, err = e.c.CreateTrustStore(harness.Ctx, &elb.CreateTrustStoreInput{Name: aws.String("clients"), CaCertificatesBundleS3Bucket: aws.String("pki"), CaCertificatesBundleS3Key: aws.String("x")})
	harness.AssertAPIError(t, err, "DuplicateTrustStoreName")
	e.c.CreateTrustStore(harness.Ctx, &elb.CreateTrustStoreInput{Name: aws.String("other"), CaCertificatesBundleS3Bucket: aws.String("pki"), CaCertificatesBundleS3Key: aws.String("x")})
	p := elb.NewDescribeTrustStoresPaginator(e.c, &elb.DescribeTrustStoresInput{PageSize: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.TrustStores)
	}
	if n != 2 {
		t.Errorf("%d trust stores", n)
	}
	if _, err := e.c.ModifyTrustStore(harness.Ctx, &elb.ModifyTrustStoreInput{TrustStoreArn: ts.TrustStoreArn, CaCertificatesBundleS3Bucket: aws.String("pki"), CaCertificatesBundleS3Key: aws.String("ca/v2.pem")}); err != nil {
		t.Fatal(err)
	}
	b, err := e.c.GetTrustStoreCaCertificatesBundle(harness.Ctx, &elb.GetTrustStoreCaCertificatesBundleInput{TrustStoreArn: ts.TrustStoreArn})
	if err != nil || aws.ToString(b.Location) != "https://pki.s3.us-east-1.amazonaws.com/ca/v2.pem" {
		t.Fatalf("bundle %v %v", b, err)
	}

	rev, err := e.c.AddTrustStoreRevocations(harness.Ctx, &elb.AddTrustStoreRevocationsInput{TrustStoreArn: ts.TrustStoreArn, RevocationContents: []types.RevocationContent{
		{S3Bucket: aws.String("pki"), S3Key: aws.String("crl/1.crl")}, {S3Bucket: aws.String("pki"), S3Key: aws.String("crl/2.crl"), RevocationType: types.RevocationTypeCrl}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.TrustStoreRevocations) != 2 || aws.ToInt64(rev.TrustStoreRevocations[1].RevocationId) != 2 || rev.TrustStoreRevocations[0].RevocationType != types.RevocationTypeCrl {
		t.Errorf("revocations %+v", rev.TrustStoreRevocations)
	}
	rp := elb.NewDescribeTrustStoreRevocationsPaginator(e.c, &elb.DescribeTrustStoreRevocationsInput{TrustStoreArn: ts.TrustStoreArn, PageSize: aws.Int32(1)})
	n = 0
	for rp.HasMorePages() {
		page, err := rp.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.TrustStoreRevocations)
	}
	if n != 2 {
		t.Errorf("%d revocations", n)
	}
	c, err := e.c.GetTrustStoreRevocationContent(harness.Ctx, &elb.GetTrustStoreRevocationContentInput{TrustStoreArn: ts.TrustStoreArn, RevocationId: aws.Int64(1)})
	if err != nil || aws.ToString(c.Location) != "https://pki.s3.us-east-1.amazonaws.com/crl/1.crl" {
		t.Fatalf("revocation content %v %v", c, err)
	}
	if _, err := e.c.RemoveTrustStoreRevocations(harness.Ctx, &elb.RemoveTrustStoreRevocationsInput{TrustStoreArn: ts.TrustStoreArn, RevocationIds: []int64{1}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeTrustStoreRevocations(harness.Ctx, &elb.DescribeTrustStoreRevocationsInput{TrustStoreArn: ts.TrustStoreArn, RevocationIds: []int64{1}})
	harness.AssertAPIError(t, err, "RevocationIdNotFound")

	// A listener verifying clients associates the trust store with its load balancer.
	lb := e.alb("mtls")
	tg := e.targetGroup("mtls", "HTTP", "ip")
	l, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(443),
		Certificates: []types.Certificate{{CertificateArn: aws.String(certA)}}, DefaultActions: forward(tg.TargetGroupArn),
		MutualAuthentication: &types.MutualAuthenticationAttributes{Mode: aws.String("verify"), TrustStoreArn: ts.TrustStoreArn}})
	if err != nil {
		t.Fatal(err)
	}
	ma := l.Listeners[0].MutualAuthentication
	if aws.ToString(ma.Mode) != "verify" || aws.ToString(ma.TrustStoreArn) != *ts.TrustStoreArn || aws.ToBool(ma.IgnoreClientCertificateExpiry) ||
		ma.TrustStoreAssociationStatus != types.TrustStoreAssociationStatusEnumActive {
		t.Errorf("mutual authentication %+v", ma)
	}
	ap := elb.NewDescribeTrustStoreAssociationsPaginator(e.c, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: ts.TrustStoreArn})
	page, err := ap.NextPage(harness.Ctx)
	if err != nil || len(page.TrustStoreAssociations) != 1 || *page.TrustStoreAssociations[0].ResourceArn != *lb.LoadBalancerArn {
		t.Fatalf("associations %+v %v", page, err)
	}
	_, err = e.c.DeleteSharedTrustStoreAssociation(harness.Ctx, &elb.DeleteSharedTrustStoreAssociationInput{TrustStoreArn: ts.TrustStoreArn, ResourceArn: lb.LoadBalancerArn})
	harness.AssertAPIError(t, err, "DeleteAssociationSameAccount")
	_, err = e.c.DeleteSharedTrustStoreAssociation(harness.Ctx, &elb.DeleteSharedTrustStoreAssociationInput{TrustStoreArn: ts.TrustStoreArn, ResourceArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/x/0123456789abcdef")})
	harness.AssertAPIError(t, err, "AssociationNotFound")
	_, err = e.c.DeleteTrustStore(harness.Ctx, &elb.DeleteTrustStoreInput{TrustStoreArn: ts.TrustStoreArn})
	harness.AssertAPIError(t, err, "TrustStoreInUse")
	pol, err := e.c.GetResourcePolicy(harness.Ctx, &elb.GetResourcePolicyInput{ResourceArn: ts.TrustStoreArn})
	if err != nil || pol.Policy != nil {
		t.Fatalf("resource policy %v %v", pol, err)
	}
	_, err = e.c.GetResourcePolicy(harness.Ctx, &elb.GetResourcePolicyInput{ResourceArn: lb.LoadBalancerArn})
	harness.AssertAPIError(t, err, "ResourceNotFound")

	_, err = e.c.ModifyListener(harness.Ctx, &elb.ModifyListenerInput{ListenerArn: l.Listeners[0].ListenerArn, MutualAuthentication: &types.MutualAuthenticationAttributes{Mode: aws.String("off")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.DeleteTrustStore(harness.Ctx, &elb.DeleteTrustStoreInput{TrustStoreArn: ts.TrustStoreArn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.DescribeTrustStores(harness.Ctx, &elb.DescribeTrustStoresInput{TrustStoreArns: []string{*ts.TrustStoreArn}})
	harness.AssertAPIError(t, err, "TrustStoreNotFound")
}

// DescribeTrustStoreAssociations lists each load balancer that verifies
// clients with the trust store once, however many of its listeners do,
// page by page with markers; a load balancer whose listeners use another
// trust store is not listed. A marker it did not issue is refused with
// ValidationError "Invalid value for marker: '...'" as ELBv2's other
// Describe calls refuse one.
func TestELBv2TrustStoreAssociationsPage(t *testing.T) {
	e := start(t)
	newTS := func(name string) *string {
		out, err := e.c.CreateTrustStore(harness.Ctx, &elb.CreateTrustStoreInput{Name: aws.String(name),
			CaCertificatesBundleS3Bucket: aws.String("pki"), CaCertificatesBundleS3Key: aws.String("ca.pem")})
		if err != nil {
			t.Fatal(err)
		}
		return out.TrustStores[0].TrustStoreArn
	}
	ts, other := newTS("clients"), newTS("partners")
	fixed := []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{StatusCode: aws.String("200")}}}
	listen := func(lb types.LoadBalancer, port int32, trust *string) {
		_, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTPS", Port: aws.Int32(port),
			Certificates: []types.Certificate{{CertificateArn: aws.String(certA)}}, DefaultActions: fixed,
			MutualAuthentication: &types.MutualAuthenticationAttributes{Mode: aws.String("verify"), TrustStoreArn: trust}})
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for i := 0; i < 3; i++ {
		lb := e.alb(unique("assoc"))
		listen(lb, 443, ts)
		if i == 1 {
			listen(lb, 8443, ts)
			listen(lb, 9443, other)
		}
		want[*lb.LoadBalancerArn] = true
	}
	listen(e.alb(unique("other")), 443, other)

	seen := map[string]bool{}
	pages := 0
	p := elb.NewDescribeTrustStoreAssociationsPaginator(e.c, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: ts, PageSize: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range page.TrustStoreAssociations {
			if !want[*a.ResourceArn] || seen[*a.ResourceArn] {
				t.Errorf("association %s: not expected or listed twice", *a.ResourceArn)
			}
			seen[*a.ResourceArn] = true
		}
	}
	if len(seen) != 3 || pages != 3 {
		t.Errorf("%d associations in %d pages, want 3 in 3", len(seen), pages)
	}

	_, err := e.c.DescribeTrustStoreAssociations(harness.Ctx, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: ts, Marker: aws.String("nope")})
	if ae := harness.AssertAPIError(t, err, "ValidationError"); ae != nil && ae.ErrorMessage() != "Invalid value for marker: 'nope'" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// A marker of another trust store's listing is not one of this one's.
	out, err := e.c.DescribeTrustStoreAssociations(harness.Ctx, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: other, PageSize: aws.Int32(1)})
	if err != nil || out.NextMarker == nil {
		t.Fatalf("%+v %v", out, err)
	}
	_, err = e.c.DescribeTrustStoreAssociations(harness.Ctx, &elb.DescribeTrustStoreAssociationsInput{TrustStoreArn: ts, Marker: out.NextMarker})
	harness.AssertAPIError(t, err, "ValidationError")
}
