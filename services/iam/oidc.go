package iam

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// OIDCProvider is an OpenID Connect identity provider. URL is stored without
// its https:// scheme, as GetOpenIDConnectProvider returns it.
type OIDCProvider struct {
	Arn         string
	URL         string
	ClientIDs   []string
	Thumbprints []string
	CreateDate  time.Time
	Tags        []types.Tag
}

// OIDCProviders is keyed by the provider's URL without scheme.
var OIDCProviders = store.Collection[OIDCProvider]{Kind: "iam/oidc-provider"}

var oidcProviderKind = providerKind[OIDCProvider]{providers: OIDCProviders, key: func(p *OIDCProvider) string { return p.URL },
	quotaName: "OpenIdConnectProvidersPerAccount", quota: maxOIDCProviders}

const (
	maxOIDCProviders   = 100
	maxOIDCClientIDs   = 100
	maxOIDCThumbprints = 5
)

func registerOIDC(s *api.Service) {
	api.Handle(s, "CreateOpenIDConnectProvider", createOIDCProvider)
	api.Handle(s, "GetOpenIDConnectProvider", getOIDCProvider)
	api.Handle(s, "ListOpenIDConnectProviders", listOIDCProviders)
	api.Handle(s, "DeleteOpenIDConnectProvider", deleteOIDCProvider)
	api.Handle(s, "AddClientIDToOpenIDConnectProvider", addClientIDToOIDCProvider)
	api.Handle(s, "RemoveClientIDFromOpenIDConnectProvider", removeClientIDFromOIDCProvider)
	api.Handle(s, "UpdateOpenIDConnectProviderThumbprint", updateOIDCThumbprint)
	api.Handle(s, "TagOpenIDConnectProvider", func(c *api.Context, in *iam.TagOpenIDConnectProviderInput) (*iam.TagOpenIDConnectProviderOutput, error) {
		return &iam.TagOpenIDConnectProviderOutput{}, oidcProviderTags.tag(c, in.OpenIDConnectProviderArn, in.Tags)
	})
	api.Handle(s, "UntagOpenIDConnectProvider", func(c *api.Context, in *iam.UntagOpenIDConnectProviderInput) (*iam.UntagOpenIDConnectProviderOutput, error) {
		return &iam.UntagOpenIDConnectProviderOutput{}, oidcProviderTags.untag(c, in.OpenIDConnectProviderArn, in.TagKeys)
	})
	api.Handle(s, "ListOpenIDConnectProviderTags", func(c *api.Context, in *iam.ListOpenIDConnectProviderTagsInput) (*iam.ListOpenIDConnectProviderTagsOutput, error) {
		tags, pg, err := oidcProviderTags.list(c, in.OpenIDConnectProviderArn, in.Marker, in.MaxItems)
		return &iam.ListOpenIDConnectProviderTagsOutput{Tags: tags, Marker: pg.Marker, IsTruncated: pg.Truncated}, err
	})
}

const oidcTagsQuota = "TagsPerOpenIdConnectProvider"

var oidcProviderTags = taggable[OIDCProvider]{rules: quotaTagRules(oidcTagsQuota),
	load: loadOIDCProvider, loadToChange: loadOIDCProvider, save: putOIDCProvider,
	tags:    func(p *OIDCProvider) *[]types.Tag { return &p.Tags },
	listing: func(p *OIDCProvider) string { return "iam:ListOpenIDConnectProviderTags:" + p.Arn }}

// oidcProviderKey turns an issuer URL into the provider's key: host and path,
// without scheme or trailing slash.
func oidcProviderKey(issuer string) string {
	k := strings.TrimPrefix(issuer, "https://")
	return strings.TrimSuffix(k, "/")
}

// FindOIDCProvider returns the provider of account whose URL is the token
// issuer iss, or nil. STS uses it for AssumeRoleWithWebIdentity.
func FindOIDCProvider(tx *store.Tx, account, iss string) (*OIDCProvider, error) {
	return OIDCProviders.Get(tx, store.Scope{Account: account}, oidcProviderKey(iss))
}

func validOIDCURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		// LocalStack's AWS-validated snapshot (test_iam_oidc.snapshot.json,
		// test_create_open_id_connect_provider_invalid_url) records this answer.
		return apierror.New("ValidationError", "Invalid Open ID Connect Provider URL")
	}
	return nil
}

// loadOIDCProvider finds a provider of the caller's account by ARN.
func loadOIDCProvider(c *api.Context, arn string) (*OIDCProvider, error) {
	prefix := iamARN(c, "oidc-provider/")
	if err := checkProviderARN(arn, "oidc-provider"); err != nil {
		return nil, err
	}
	var p *OIDCProvider
	if strings.HasPrefix(arn, prefix) {
		var err error
		if p, err = OIDCProviders.Get(c.Tx, c.GlobalScope(), strings.TrimPrefix(arn, prefix)); err != nil {
			return nil, err
		}
	}
	if p == nil {
		return nil, apierror.New("NoSuchEntity", "OpenIDConnect Provider not found for arn %s", arn)
	}
	return p, nil
}

func putOIDCProvider(c *api.Context, p *OIDCProvider) error {
	return OIDCProviders.Put(c.Tx, c.GlobalScope(), p.URL, store.Index{Name: p.Arn}, p)
}

func checkOIDCLists(clientIDs, thumbprints []string) error {
	if len(clientIDs) > maxOIDCClientIDs {
		return apierror.New("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxOIDCClientIDs)
	}
	if len(thumbprints) > maxOIDCThumbprints {
		// AWS's words for six thumbprints (LocalStack's AWS-validated
		// test_create_open_id_connect_provider_too_many_thumbprints snapshot).
		return apierror.New("InvalidInput", "Thumbprint list must contain fewer than %d entries.", maxOIDCThumbprints)
	}
	for _, t := range thumbprints {
		if !isHex(t) {
			return apierror.New("InvalidInput", "Thumbprint %s is not a 40-character hexadecimal SHA-1 fingerprint.", t)
		}
	}
	return nil
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// uniqueStrings drops repeated entries, keeping the first of each.
func uniqueStrings(in []string) []string {
	out := []string{}
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func createOIDCProvider(c *api.Context, in *iam.CreateOpenIDConnectProviderInput) (*iam.CreateOpenIDConnectProviderOutput, error) {
	raw := aws.ToString(in.Url)
	if err := validOIDCURL(raw); err != nil {
		return nil, err
	}
	key := oidcProviderKey(raw)
	clientIDs, thumbprints := uniqueStrings(in.ClientIDList), uniqueStrings(in.ThumbprintList)
	if err := checkOIDCLists(clientIDs, thumbprints); err != nil {
		return nil, err
	}
	tags, err := withTags(nil, in.Tags, oidcTagsQuota)
	if err != nil {
		return nil, err
	}
	if err := oidcProviderKind.checkNew(c, key, apierror.New("EntityAlreadyExists", "Provider with url %s already exists.", raw)); err != nil {
		return nil, err
	}
	p := &OIDCProvider{Arn: iamARN(c, "oidc-provider/"+key), URL: key, ClientIDs: clientIDs, Thumbprints: thumbprints,
		CreateDate: c.Now().UTC().Truncate(time.Second), Tags: tags}
	if err := putOIDCProvider(c, p); err != nil {
		return nil, err
	}
	return &iam.CreateOpenIDConnectProviderOutput{OpenIDConnectProviderArn: aws.String(p.Arn), Tags: p.Tags}, nil
}

func getOIDCProvider(c *api.Context, in *iam.GetOpenIDConnectProviderInput) (*iam.GetOpenIDConnectProviderOutput, error) {
	p, err := loadOIDCProvider(c, aws.ToString(in.OpenIDConnectProviderArn))
	if err != nil {
		return nil, err
	}
	return &iam.GetOpenIDConnectProviderOutput{Url: aws.String(p.URL), ClientIDList: p.ClientIDs, ThumbprintList: p.Thumbprints,
		CreateDate: aws.Time(p.CreateDate), Tags: p.Tags}, nil
}

func listOIDCProviders(c *api.Context, _ *iam.ListOpenIDConnectProvidersInput) (*iam.ListOpenIDConnectProvidersOutput, error) {
	list, err := listProviders(c, oidcProviderKind, func(p *OIDCProvider) types.OpenIDConnectProviderListEntry {
		return types.OpenIDConnectProviderListEntry{Arn: aws.String(p.Arn)}
	})
	return &iam.ListOpenIDConnectProvidersOutput{OpenIDConnectProviderList: list}, err
}

func deleteOIDCProvider(c *api.Context, in *iam.DeleteOpenIDConnectProviderInput) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	return &iam.DeleteOpenIDConnectProviderOutput{}, oidcProviderKind.delete(c, loadOIDCProvider, aws.ToString(in.OpenIDConnectProviderArn))
}

func addClientIDToOIDCProvider(c *api.Context, in *iam.AddClientIDToOpenIDConnectProviderInput) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	p, err := loadOIDCProvider(c, aws.ToString(in.OpenIDConnectProviderArn))
	if err != nil {
		return nil, err
	}
	p.ClientIDs = uniqueStrings(append(p.ClientIDs, aws.ToString(in.ClientID)))
	if err := checkOIDCLists(p.ClientIDs, nil); err != nil {
		return nil, err
	}
	return &iam.AddClientIDToOpenIDConnectProviderOutput{}, putOIDCProvider(c, p)
}

func removeClientIDFromOIDCProvider(c *api.Context, in *iam.RemoveClientIDFromOpenIDConnectProviderInput) (*iam.RemoveClientIDFromOpenIDConnectProviderOutput, error) {
	p, err := loadOIDCProvider(c, aws.ToString(in.OpenIDConnectProviderArn))
	if err != nil {
		return nil, err
	}
	p.ClientIDs = slices.DeleteFunc(p.ClientIDs, func(id string) bool { return id == aws.ToString(in.ClientID) })
	return &iam.RemoveClientIDFromOpenIDConnectProviderOutput{}, putOIDCProvider(c, p)
}

func updateOIDCThumbprint(c *api.Context, in *iam.UpdateOpenIDConnectProviderThumbprintInput) (*iam.UpdateOpenIDConnectProviderThumbprintOutput, error) {
	p, err := loadOIDCProvider(c, aws.ToString(in.OpenIDConnectProviderArn))
	if err != nil {
		return nil, err
	}
	p.Thumbprints = uniqueStrings(in.ThumbprintList)
	if err := checkOIDCLists(nil, p.Thumbprints); err != nil {
		return nil, err
	}
	return &iam.UpdateOpenIDConnectProviderThumbprintOutput{}, putOIDCProvider(c, p)
}
