package elbv2

import (
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// s3Object is where a CA bundle or a revocation list lives. Longshore has no
// S3, so the object is recorded, not read.
type s3Object struct {
	Bucket, Key, Version string
}

func (o s3Object) location(region string) string {
	u := "https://" + o.Bucket + ".s3." + region + ".amazonaws.com/" + (&url.URL{Path: o.Key}).EscapedPath()
	if o.Version != "" {
		u += "?versionId=" + url.QueryEscape(o.Version)
	}
	return u
}

// revocation is one revocation list added to a trust store.
type revocation struct {
	ID      int64
	Type    types.RevocationType
	Content s3Object
}

// trustStore is a stored trust store.
type trustStore struct {
	TS          types.TrustStore
	Bundle      s3Object
	Revocations []revocation
	NextID      int64
}

var trustStores = store.Collection[trustStore]{Kind: "elbv2/truststore"}

func putTrustStore(tx *store.Tx, sc store.Scope, ts *trustStore) error {
	return trustStores.Put(tx, sc, *ts.TS.TrustStoreArn, store.Index{Name: *ts.TS.Name}, ts)
}

func getTrustStore(c *api.Context, arn string) (*trustStore, error) {
	ts, err := trustStores.Get(c.Tx, c.Scope(), arn)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		return nil, errTrustStoreNotFound()
	}
	return ts, nil
}

func (h *handlers) registerTrustStores(s *api.Service) {
	api.Handle(s, "CreateTrustStore", h.createTrustStore)
	api.Handle(s, "DescribeTrustStores", h.describeTrustStores)
	api.Handle(s, "ModifyTrustStore", h.modifyTrustStore)
	api.Handle(s, "DeleteTrustStore", h.deleteTrustStore)
	api.Handle(s, "GetTrustStoreCaCertificatesBundle", h.getTrustStoreCaCertificatesBundle)
	api.Handle(s, "AddTrustStoreRevocations", h.addTrustStoreRevocations)
	api.Handle(s, "DescribeTrustStoreRevocations", h.describeTrustStoreRevocations)
	api.Handle(s, "RemoveTrustStoreRevocations", h.removeTrustStoreRevocations)
	api.Handle(s, "GetTrustStoreRevocationContent", h.getTrustStoreRevocationContent)
	api.Handle(s, "DescribeTrustStoreAssociations", h.describeTrustStoreAssociations)
	api.Handle(s, "DeleteSharedTrustStoreAssociation", h.deleteSharedTrustStoreAssociation)
	api.Handle(s, "GetResourcePolicy", h.getResourcePolicy)
}

func bundleOf(bucket, key, version *string) (s3Object, error) {
	o := s3Object{Bucket: aws.ToString(bucket), Key: aws.ToString(key), Version: aws.ToString(version)}
	if o.Bucket == "" || o.Key == "" {
		return o, apiErr("CaCertificatesBundleNotFound", "The specified CA certificates bundle does not exist")
	}
	return o, nil
}

func (h *handlers) createTrustStore(c *api.Context, in *elb.CreateTrustStoreInput) (*elb.CreateTrustStoreOutput, error) {
	name := aws.ToString(in.Name)
	bundle, err := bundleOf(in.CaCertificatesBundleS3Bucket, in.CaCertificatesBundleS3Key, in.CaCertificatesBundleS3ObjectVersion)
	if err != nil {
		return nil, err
	}
	if err := validateNewTags(in.Tags); err != nil {
		return nil, err
	}
	sc := c.Scope()
	if found, err := trustStores.Exists(c.Tx, sc, store.Query{Name: name}); err != nil {
		return nil, err
	} else if found {
		return nil, errDuplicateTrustStoreName(name)
	}
	if n, err := trustStores.Count(c.Tx, sc, store.Query{}); err != nil {
		return nil, err
	} else if limit := quota("trust-stores"); n >= limit {
		return nil, errTooMany("TooManyTrustStores", "trust stores", limit)
	}
	ts := &trustStore{
		TS: types.TrustStore{Name: aws.String(name), TrustStoreArn: aws.String(newTrustStoreArn(sc, name)), Status: types.TrustStoreStatusActive,
			NumberOfCaCertificates: aws.Int32(1), TotalRevokedEntries: aws.Int64(0)},
		Bundle: bundle, NextID: 1,
	}
	if err := putTrustStore(c.Tx, sc, ts); err != nil {
		return nil, err
	}
	if err := putTags(c.Tx, sc, *ts.TS.TrustStoreArn, in.Tags); err != nil {
		return nil, err
	}
	return &elb.CreateTrustStoreOutput{TrustStores: []types.TrustStore{ts.TS}}, nil
}

func (h *handlers) describeTrustStores(c *api.Context, in *elb.DescribeTrustStoresInput) (*elb.DescribeTrustStoresOutput, error) {
	var found []types.TrustStore
	switch {
	case len(in.TrustStoreArns) > 0:
		for _, arn := range in.TrustStoreArns {
			ts, err := getTrustStore(c, arn)
			if err != nil {
				return nil, err
			}
			found = append(found, ts.TS)
		}
	default:
		items, err := trustStores.List(c.Tx, c.Scope(), store.Query{})
		if err != nil {
			return nil, err
		}
		matched := map[string]bool{}
		for _, it := range items {
			if len(in.Names) == 0 || slices.Contains(in.Names, *it.Doc.TS.Name) {
				found = append(found, it.Doc.TS)
				matched[*it.Doc.TS.Name] = true
			}
		}
		for _, n := range in.Names {
			if !matched[n] {
				return nil, errTrustStoreNotFound()
			}
		}
	}
	pg, next, err := api.PaginateSlice(found, markerPaging(c, strings.Join(in.TrustStoreArns, ",")+"|"+strings.Join(in.Names, ","), in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeTrustStoresOutput{TrustStores: pg, NextMarker: next}, nil
}

func (h *handlers) modifyTrustStore(c *api.Context, in *elb.ModifyTrustStoreInput) (*elb.ModifyTrustStoreOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	bundle, err := bundleOf(in.CaCertificatesBundleS3Bucket, in.CaCertificatesBundleS3Key, in.CaCertificatesBundleS3ObjectVersion)
	if err != nil {
		return nil, err
	}
	ts.Bundle = bundle
	if err := putTrustStore(c.Tx, c.Scope(), ts); err != nil {
		return nil, err
	}
	return &elb.ModifyTrustStoreOutput{TrustStores: []types.TrustStore{ts.TS}}, nil
}

// trustStoreInUse says whether a listener verifies clients with the trust
// store: it reads one entry of the attr index.
func trustStoreInUse(c *api.Context, arn string) (bool, error) {
	return listeners.Exists(c.Tx, c.Scope(), store.Query{AttrPrefix: trustStoreUsers(arn)})
}

func (h *handlers) deleteTrustStore(c *api.Context, in *elb.DeleteTrustStoreInput) (*elb.DeleteTrustStoreOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	inUse, err := trustStoreInUse(c, *ts.TS.TrustStoreArn)
	if err != nil {
		return nil, err
	}
	if inUse {
		return nil, apiErr("TrustStoreInUse", "Trust store '%s' is in use by a listener", *ts.TS.TrustStoreArn)
	}
	sc := c.Scope()
	if _, err := trustStores.Delete(c.Tx, sc, *ts.TS.TrustStoreArn); err != nil {
		return nil, err
	}
	if _, err := tagSets.Delete(c.Tx, sc, *ts.TS.TrustStoreArn); err != nil {
		return nil, err
	}
	return &elb.DeleteTrustStoreOutput{}, nil
}

func (h *handlers) getTrustStoreCaCertificatesBundle(c *api.Context, in *elb.GetTrustStoreCaCertificatesBundleInput) (*elb.GetTrustStoreCaCertificatesBundleOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	return &elb.GetTrustStoreCaCertificatesBundleOutput{Location: aws.String(ts.Bundle.location(c.Region))}, nil
}

func (ts *trustStore) revocationView(r revocation) types.DescribeTrustStoreRevocation {
	return types.DescribeTrustStoreRevocation{TrustStoreArn: ts.TS.TrustStoreArn, RevocationId: aws.Int64(r.ID),
		RevocationType: r.Type, NumberOfRevokedEntries: aws.Int64(0)}
}

func (h *handlers) addTrustStoreRevocations(c *api.Context, in *elb.AddTrustStoreRevocationsInput) (*elb.AddTrustStoreRevocationsOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	out := &elb.AddTrustStoreRevocationsOutput{TrustStoreRevocations: []types.TrustStoreRevocation{}}
	for _, rc := range in.RevocationContents {
		if aws.ToString(rc.S3Bucket) == "" || aws.ToString(rc.S3Key) == "" {
			return nil, apiErr("RevocationContentNotFound", "The specified revocation content does not exist")
		}
		t := rc.RevocationType
		if t == "" {
			t = types.RevocationTypeCrl
		}
		r := revocation{ID: ts.NextID, Type: t, Content: s3Object{Bucket: *rc.S3Bucket, Key: *rc.S3Key, Version: aws.ToString(rc.S3ObjectVersion)}}
		ts.NextID++
		ts.Revocations = append(ts.Revocations, r)
		out.TrustStoreRevocations = append(out.TrustStoreRevocations, types.TrustStoreRevocation{TrustStoreArn: ts.TS.TrustStoreArn,
			RevocationId: aws.Int64(r.ID), RevocationType: r.Type, NumberOfRevokedEntries: aws.Int64(0)})
	}
	if err := putTrustStore(c.Tx, c.Scope(), ts); err != nil {
		return nil, err
	}
	return out, nil
}

func (ts *trustStore) revocationByID(id int64) (revocation, bool) {
	for _, r := range ts.Revocations {
		if r.ID == id {
			return r, true
		}
	}
	return revocation{}, false
}

func errRevocationNotFound() error {
	return apiErr("RevocationIdNotFound", "One or more revocation IDs not found")
}

func (h *handlers) describeTrustStoreRevocations(c *api.Context, in *elb.DescribeTrustStoreRevocationsInput) (*elb.DescribeTrustStoreRevocationsOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	found := []types.DescribeTrustStoreRevocation{}
	if len(in.RevocationIds) > 0 {
		for _, id := range in.RevocationIds {
			r, ok := ts.revocationByID(id)
			if !ok {
				return nil, errRevocationNotFound()
			}
			found = append(found, ts.revocationView(r))
		}
	} else {
		for _, r := range ts.Revocations {
			found = append(found, ts.revocationView(r))
		}
	}
	pg, next, err := api.PaginateSlice(found, markerPaging(c, *ts.TS.TrustStoreArn, in.Marker, in.PageSize), nil)
	if err != nil {
		return nil, err
	}
	return &elb.DescribeTrustStoreRevocationsOutput{TrustStoreRevocations: pg, NextMarker: next}, nil
}

func (h *handlers) removeTrustStoreRevocations(c *api.Context, in *elb.RemoveTrustStoreRevocationsInput) (*elb.RemoveTrustStoreRevocationsOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	for _, id := range in.RevocationIds {
		if _, ok := ts.revocationByID(id); !ok {
			return nil, errRevocationNotFound()
		}
		ts.Revocations = slices.DeleteFunc(ts.Revocations, func(r revocation) bool { return r.ID == id })
	}
	if err := putTrustStore(c.Tx, c.Scope(), ts); err != nil {
		return nil, err
	}
	return &elb.RemoveTrustStoreRevocationsOutput{}, nil
}

func (h *handlers) getTrustStoreRevocationContent(c *api.Context, in *elb.GetTrustStoreRevocationContentInput) (*elb.GetTrustStoreRevocationContentOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	r, ok := ts.revocationByID(aws.ToInt64(in.RevocationId))
	if !ok {
		return nil, errRevocationNotFound()
	}
	return &elb.GetTrustStoreRevocationContentOutput{Location: aws.String(r.Content.location(c.Region))}, nil
}

func (h *handlers) describeTrustStoreAssociations(c *api.Context, in *elb.DescribeTrustStoreAssociationsInput) (*elb.DescribeTrustStoreAssociationsOutput, error) {
	ts, err := getTrustStore(c, aws.ToString(in.TrustStoreArn))
	if err != nil {
		return nil, err
	}
	// A trust store's listeners keep it in attr followed by their load
	// balancer (trustStoreUse): a page reads the distinct attr values from
	// the marker's load balancer on, from the attr index alone, so each load
	// balancer is listed once, in ARN order (AWS documents no order), and no
	// listener is read.
	users := trustStoreUsers(*ts.TS.TrustStoreArn)
	read := func(after string, n int) ([]*string, error) {
		if after != "" {
			after = users + after
		}
		attrs, err := listeners.AttrValues(c.Tx, c.Scope(), users, after, n)
		out := make([]*string, len(attrs))
		for i, a := range attrs {
			out[i] = aws.String(strings.TrimPrefix(a, users))
		}
		return out, err
	}
	// The listing's name differs from the one its markers had when they held
	// a listener's position, so that such a marker is refused rather than
	// read as a load balancer.
	p := markerPaging(c, *ts.TS.TrustStoreArn+" by load balancer", in.Marker, in.PageSize)
	lbs, next, err := api.PaginateKeyed(p, read, aws.ToString, nil)
	if err != nil {
		return nil, err
	}
	pg := []types.TrustStoreAssociation{}
	for _, lb := range lbs {
		pg = append(pg, types.TrustStoreAssociation{ResourceArn: lb})
	}
	return &elb.DescribeTrustStoreAssociationsOutput{TrustStoreAssociations: pg, NextMarker: next}, nil
}

// deleteSharedTrustStoreAssociation removes another account's use of a shared
// trust store. Longshore has no resource sharing, so only same-account
// associations can exist, and AWS refuses to delete those.
func (h *handlers) deleteSharedTrustStoreAssociation(c *api.Context, in *elb.DeleteSharedTrustStoreAssociationInput) (*elb.DeleteSharedTrustStoreAssociationOutput, error) {
	if _, err := getTrustStore(c, aws.ToString(in.TrustStoreArn)); err != nil {
		return nil, err
	}
	associated, err := listeners.Exists(c.Tx, c.Scope(), store.Query{Attr: trustStoreUse(aws.ToString(in.TrustStoreArn), aws.ToString(in.ResourceArn))})
	if err != nil {
		return nil, err
	}
	if !associated {
		return nil, apiErr("AssociationNotFound", "The specified association does not exist")
	}
	return nil, apiErr("DeleteAssociationSameAccount", "A trust store association cannot be deleted by the account that owns the load balancer and the trust store; remove mutual authentication from the listener instead")
}

// getResourcePolicy answers for trust stores, the only ELBv2 resources that
// can be shared. Nothing is shared in Longshore, so a trust store has no policy.
func (h *handlers) getResourcePolicy(c *api.Context, in *elb.GetResourcePolicyInput) (*elb.GetResourcePolicyOutput, error) {
	arn := aws.ToString(in.ResourceArn)
	if resourceKind(arn) == "truststore" {
		ts, err := trustStores.Get(c.Tx, c.Scope(), arn)
		if err != nil {
			return nil, err
		}
		if ts != nil {
			return &elb.GetResourcePolicyOutput{}, nil
		}
	}
	return nil, apiErr("ResourceNotFound", "The specified resource does not exist")
}
