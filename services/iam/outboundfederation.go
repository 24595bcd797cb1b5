package iam

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// OutboundFederation is an account's outbound web identity federation: the
// issuer URL of the tokens STS vends and the keys that sign them.
type OutboundFederation struct {
	IssuerIdentifier string
	// RSAKeyPEM and ECKeyPEM sign RS256 and ES384 tokens (PKCS #8 PEM).
	RSAKeyPEM string
	ECKeyPEM  string
	KeyID     string
}

// outboundIssuers maps an issuer URL to the account that vends its tokens, so
// that a token can be verified wherever it is presented. Issuers are unique
// across accounts and stored outside any account (store.Scope{}).
var outboundIssuers = store.Collection[outboundIssuer]{Kind: "iam/outbound-issuer"}

type outboundIssuer struct{ Account string }

// OutboundFederationByIssuer returns the outbound federation whose issuer URL is
// iss, in whichever account it is, or nil. STS verifies Longshore-issued tokens with it.
func OutboundFederationByIssuer(tx *store.Tx, iss string) (*OutboundFederation, error) {
	owner, err := outboundIssuers.Get(tx, store.Scope{}, iss)
	if err != nil || owner == nil {
		return nil, err
	}
	o, err := OutboundFederationOf(tx, owner.Account)
	if err != nil || o == nil || o.IssuerIdentifier != iss {
		return nil, err
	}
	return o, nil
}

func registerOutboundFederation(s *api.Service) {
	api.Handle(s, "EnableOutboundWebIdentityFederation", enableOutboundFederation)
	api.Handle(s, "DisableOutboundWebIdentityFederation", disableOutboundFederation)
	api.Handle(s, "GetOutboundWebIdentityFederationInfo", getOutboundFederationInfo)
}

// OutboundFederationOf returns the account's outbound federation, or nil when
// it is disabled. STS's GetWebIdentityToken uses it.
func OutboundFederationOf(tx *store.Tx, account string) (*OutboundFederation, error) {
	s, err := loadSettings(tx, account)
	if err != nil {
		return nil, err
	}
	return s.Outbound, nil
}

// SigningKeys decodes the federation's RSA and ECDSA signing keys.
func (o *OutboundFederation) SigningKeys() (*rsa.PrivateKey, *ecdsa.PrivateKey, error) {
	rb, _ := pem.Decode([]byte(o.RSAKeyPEM))
	eb, _ := pem.Decode([]byte(o.ECKeyPEM))
	if rb == nil || eb == nil {
		return nil, nil, errors.New("iam: outbound federation keys are not PEM")
	}
	rk, err := x509.ParsePKCS8PrivateKey(rb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	ek, err := x509.ParsePKCS8PrivateKey(eb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	r, ok1 := rk.(*rsa.PrivateKey)
	e, ok2 := ek.(*ecdsa.PrivateKey)
	if !ok1 || !ok2 {
		return nil, nil, errors.New("iam: outbound federation keys have the wrong type")
	}
	return r, e, nil
}

func pkcs8PEM(key any) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func newOutboundFederation() (*OutboundFederation, error) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	o := &OutboundFederation{IssuerIdentifier: "https://" + api.UUID() + ".tokens.sts.global.api.aws", KeyID: api.UUID()}
	if o.RSAKeyPEM, err = pkcs8PEM(rk); err != nil {
		return nil, err
	}
	if o.ECKeyPEM, err = pkcs8PEM(ek); err != nil {
		return nil, err
	}
	return o, nil
}

func errOutboundDisabled() error {
	return apierror.New("FeatureDisabled", "Outbound web identity federation is disabled for this account.")
}

func enableOutboundFederation(c *api.Context, _ *iam.EnableOutboundWebIdentityFederationInput) (*iam.EnableOutboundWebIdentityFederationOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	if s.Outbound != nil {
		return nil, apierror.New("FeatureEnabled", "Outbound web identity federation is already enabled for this account.")
	}
	if s.Outbound, err = newOutboundFederation(); err != nil {
		return nil, err
	}
	if err := outboundIssuers.Put(c.Tx, store.Scope{}, s.Outbound.IssuerIdentifier, store.Index{Parent: c.Account()}, &outboundIssuer{Account: c.Account()}); err != nil {
		return nil, err
	}
	if err := saveSettings(c.Tx, c.Account(), s); err != nil {
		return nil, err
	}
	return &iam.EnableOutboundWebIdentityFederationOutput{IssuerIdentifier: aws.String(s.Outbound.IssuerIdentifier)}, nil
}

func disableOutboundFederation(c *api.Context, _ *iam.DisableOutboundWebIdentityFederationInput) (*iam.DisableOutboundWebIdentityFederationOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	if s.Outbound == nil {
		return nil, errOutboundDisabled()
	}
	if _, err := outboundIssuers.Delete(c.Tx, store.Scope{}, s.Outbound.IssuerIdentifier); err != nil {
		return nil, err
	}
	s.Outbound = nil
	return &iam.DisableOutboundWebIdentityFederationOutput{}, saveSettings(c.Tx, c.Account(), s)
}

func getOutboundFederationInfo(c *api.Context, _ *iam.GetOutboundWebIdentityFederationInfoInput) (*iam.GetOutboundWebIdentityFederationInfoOutput, error) {
	o, err := OutboundFederationOf(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, errOutboundDisabled()
	}
	return &iam.GetOutboundWebIdentityFederationInfoOutput{IssuerIdentifier: aws.String(o.IssuerIdentifier), JwtVendingEnabled: true}, nil
}
