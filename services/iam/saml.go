package iam

import (
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
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

// SAMLProvider is a SAML 2.0 identity provider with its parsed metadata.
type SAMLProvider struct {
	Arn                     string
	Name                    string
	UUID                    string
	MetadataDocument        string
	EntityID                string
	ValidUntil              *time.Time `json:",omitempty"`
	CreateDate              time.Time
	AssertionEncryptionMode types.AssertionEncryptionModeType `json:",omitempty"`
	PrivateKeys             []samlPrivateKey                  `json:",omitempty"`
	Tags                    []types.Tag                       `json:",omitempty"`
}

// samlPrivateKey is a key the provider decrypts assertions with; only its id and
// time are ever returned.
type samlPrivateKey struct {
	KeyID     string
	Timestamp time.Time
	PEM       string
}

// SAMLProviders is keyed by provider name.
var SAMLProviders = store.Collection[SAMLProvider]{Kind: "iam/saml-provider"}

var samlProviderKind = providerKind[SAMLProvider]{providers: SAMLProviders, key: func(p *SAMLProvider) string { return p.Name },
	quotaName: "SAMLProvidersPerAccount", quota: maxSAMLProviders}

const (
	maxSAMLProviders       = 100
	maxSAMLPrivateKeys     = 2
	samlTagsQuota          = "TagsPerSAMLProvider"
	samlMetadataParseError = "Could not parse metadata"
)

func registerSAML(s *api.Service) {
	api.Handle(s, "CreateSAMLProvider", createSAMLProvider)
	api.Handle(s, "GetSAMLProvider", getSAMLProvider)
	api.Handle(s, "ListSAMLProviders", listSAMLProviders)
	api.Handle(s, "UpdateSAMLProvider", updateSAMLProvider)
	api.Handle(s, "DeleteSAMLProvider", deleteSAMLProvider)
	api.Handle(s, "TagSAMLProvider", func(c *api.Context, in *iam.TagSAMLProviderInput) (*iam.TagSAMLProviderOutput, error) {
		return &iam.TagSAMLProviderOutput{}, samlProviderTags.tag(c, in.SAMLProviderArn, in.Tags)
	})
	api.Handle(s, "UntagSAMLProvider", func(c *api.Context, in *iam.UntagSAMLProviderInput) (*iam.UntagSAMLProviderOutput, error) {
		return &iam.UntagSAMLProviderOutput{}, samlProviderTags.untag(c, in.SAMLProviderArn, in.TagKeys)
	})
	api.Handle(s, "ListSAMLProviderTags", func(c *api.Context, in *iam.ListSAMLProviderTagsInput) (*iam.ListSAMLProviderTagsOutput, error) {
		tags, pg, err := samlProviderTags.list(c, in.SAMLProviderArn, in.Marker, in.MaxItems)
		return &iam.ListSAMLProviderTagsOutput{Tags: tags, Marker: pg.Marker, IsTruncated: pg.Truncated}, err
	})
}

var samlProviderTags = taggable[SAMLProvider]{rules: quotaTagRules(samlTagsQuota),
	load: loadSAMLProvider, loadToChange: loadSAMLProvider, save: putSAMLProvider,
	tags:    func(p *SAMLProvider) *[]types.Tag { return &p.Tags },
	listing: func(p *SAMLProvider) string { return "iam:ListSAMLProviderTags:" + p.Arn }}

// providerSummary counts the account's identity providers, SAML and OpenID Connect.
func providerSummary(c *api.Context) (map[string]int32, error) {
	saml, err := SAMLProviders.Count(c.Tx, c.GlobalScope(), store.Query{})
	if err != nil {
		return nil, err
	}
	oidc, err := OIDCProviders.Count(c.Tx, c.GlobalScope(), store.Query{})
	return map[string]int32{"Providers": int32(saml + oidc)}, err
}

// samlMetadata is the part of an IdP's metadata document Longshore reads.
type samlMetadata struct {
	XMLName    xml.Name `xml:"EntityDescriptor"`
	EntityID   string   `xml:"entityID,attr"`
	ValidUntil string   `xml:"validUntil,attr"`
	IDP        []struct {
		Keys []struct {
			Use         string `xml:"use,attr"`
			Certificate string `xml:"KeyInfo>X509Data>X509Certificate"`
		} `xml:"KeyDescriptor"`
	} `xml:"IDPSSODescriptor"`
}

// parseSAMLMetadata checks that a metadata document describes an identity
// provider: an EntityDescriptor with an entityID and an IDPSSODescriptor.
func parseSAMLMetadata(doc string) (*samlMetadata, error) {
	var md samlMetadata
	if err := xml.Unmarshal([]byte(doc), &md); err != nil || md.EntityID == "" || len(md.IDP) == 0 {
		return nil, apierror.New("InvalidInput", samlMetadataParseError)
	}
	if md.ValidUntil != "" {
		if _, err := time.Parse(time.RFC3339, md.ValidUntil); err != nil {
			return nil, apierror.New("InvalidInput", samlMetadataParseError)
		}
	}
	return &md, nil
}

// applyMetadata stores a parsed metadata document on the provider.
func (p *SAMLProvider) applyMetadata(doc string, md *samlMetadata) {
	p.MetadataDocument, p.EntityID, p.ValidUntil = doc, md.EntityID, nil
	if md.ValidUntil != "" {
		p.ValidUntil = parseTime(md.ValidUntil)
	}
}

// SigningCertificates returns the IdP's signing certificates from its metadata.
func (p *SAMLProvider) SigningCertificates() []*x509.Certificate {
	md, err := parseSAMLMetadata(p.MetadataDocument)
	if err != nil {
		return nil
	}
	var out []*x509.Certificate
	for _, idp := range md.IDP {
		for _, k := range idp.Keys {
			if k.Use == "encryption" {
				continue
			}
			der, err := decodeBase64Loose(k.Certificate)
			if err != nil {
				continue
			}
			if cert, err := x509.ParseCertificate(der); err == nil {
				out = append(out, cert)
			}
		}
	}
	return out
}

// GetSAMLProviderByARN loads a SAML provider of account by its ARN, or returns
// nil. STS uses it for AssumeRoleWithSAML.
func GetSAMLProviderByARN(tx *store.Tx, account, arn string) (*SAMLProvider, error) {
	prefix := "arn:aws:iam::" + account + ":saml-provider/"
	arn = anyPartition(arn)
	if !strings.HasPrefix(arn, prefix) {
		return nil, nil
	}
	return SAMLProviders.Get(tx, store.Scope{Account: account}, strings.TrimPrefix(arn, prefix))
}

func loadSAMLProvider(c *api.Context, arn string) (*SAMLProvider, error) {
	if err := checkProviderARN(arn, "saml-provider"); err != nil {
		return nil, err
	}
	p, err := GetSAMLProviderByARN(c.Tx, c.Account(), arn)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, apierror.New("NoSuchEntity", "Manifest not found for arn %s", arn)
	}
	return p, nil
}

func putSAMLProvider(c *api.Context, p *SAMLProvider) error {
	return SAMLProviders.Put(c.Tx, c.GlobalScope(), p.Name, store.Index{Name: p.Arn}, p)
}

// addSAMLPrivateKey checks a PEM private key and adds it with a new key id.
func (p *SAMLProvider) addSAMLPrivateKey(c *api.Context, keyPEM string) error {
	block, _ := pem.Decode([]byte(keyPEM))
	if block == nil || !strings.Contains(block.Type, "PRIVATE KEY") {
		return apierror.New("InvalidInput", "The private key is not a valid PEM-encoded private key.")
	}
	if len(p.PrivateKeys) >= maxSAMLPrivateKeys {
		return apierror.New("LimitExceeded", "Cannot exceed quota for PrivateKeysPerSAMLProvider: %d", maxSAMLPrivateKeys)
	}
	p.PrivateKeys = append(p.PrivateKeys, samlPrivateKey{KeyID: api.RandomString(upperAlnumDigits, 22),
		Timestamp: c.Now().UTC().Truncate(time.Second), PEM: keyPEM})
	return nil
}

// upperAlnumDigits is the alphabet of IAM's opaque identifiers.
const upperAlnumDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (p *SAMLProvider) checkEncryptionMode() error {
	if p.AssertionEncryptionMode == types.AssertionEncryptionModeTypeRequired && len(p.PrivateKeys) == 0 {
		return apierror.New("InvalidInput", "A private key is required when AssertionEncryptionMode is Required.")
	}
	return nil
}

func createSAMLProvider(c *api.Context, in *iam.CreateSAMLProviderInput) (*iam.CreateSAMLProviderOutput, error) {
	name := aws.ToString(in.Name)
	md, err := parseSAMLMetadata(aws.ToString(in.SAMLMetadataDocument))
	if err != nil {
		return nil, err
	}
	if err := samlProviderKind.checkNew(c, name, apierror.New("EntityAlreadyExists", "SAMLProvider named %s already exists", name)); err != nil {
		return nil, err
	}
	p := &SAMLProvider{Arn: iamARN(c, "saml-provider/"+name), Name: name, UUID: api.UUID(),
		CreateDate: c.Now().UTC().Truncate(time.Second), AssertionEncryptionMode: in.AssertionEncryptionMode}
	p.applyMetadata(aws.ToString(in.SAMLMetadataDocument), md)
	if in.AddPrivateKey != nil {
		if err := p.addSAMLPrivateKey(c, *in.AddPrivateKey); err != nil {
			return nil, err
		}
	}
	if err := p.checkEncryptionMode(); err != nil {
		return nil, err
	}
	if p.Tags, err = withTags(nil, in.Tags, samlTagsQuota); err != nil {
		return nil, err
	}
	if err := putSAMLProvider(c, p); err != nil {
		return nil, err
	}
	return &iam.CreateSAMLProviderOutput{SAMLProviderArn: aws.String(p.Arn), Tags: p.Tags}, nil
}

func getSAMLProvider(c *api.Context, in *iam.GetSAMLProviderInput) (*iam.GetSAMLProviderOutput, error) {
	p, err := loadSAMLProvider(c, aws.ToString(in.SAMLProviderArn))
	if err != nil {
		return nil, err
	}
	out := &iam.GetSAMLProviderOutput{SAMLMetadataDocument: aws.String(p.MetadataDocument), CreateDate: aws.Time(p.CreateDate),
		ValidUntil: p.ValidUntil, Tags: p.Tags, SAMLProviderUUID: aws.String(p.UUID), AssertionEncryptionMode: p.AssertionEncryptionMode}
	for _, k := range p.PrivateKeys {
		out.PrivateKeyList = append(out.PrivateKeyList, types.SAMLPrivateKey{KeyId: aws.String(k.KeyID), Timestamp: aws.Time(k.Timestamp)})
	}
	return out, nil
}

func listSAMLProviders(c *api.Context, _ *iam.ListSAMLProvidersInput) (*iam.ListSAMLProvidersOutput, error) {
	list, err := listProviders(c, samlProviderKind, func(p *SAMLProvider) types.SAMLProviderListEntry {
		return types.SAMLProviderListEntry{Arn: aws.String(p.Arn), CreateDate: aws.Time(p.CreateDate), ValidUntil: p.ValidUntil}
	})
	return &iam.ListSAMLProvidersOutput{SAMLProviderList: list}, err
}

func updateSAMLProvider(c *api.Context, in *iam.UpdateSAMLProviderInput) (*iam.UpdateSAMLProviderOutput, error) {
	p, err := loadSAMLProvider(c, aws.ToString(in.SAMLProviderArn))
	if err != nil {
		return nil, err
	}
	if in.SAMLMetadataDocument == nil && in.AddPrivateKey == nil && in.RemovePrivateKey == nil && in.AssertionEncryptionMode == "" {
		return nil, apierror.New("InvalidInput", "At least one of SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey or RemovePrivateKey is required.")
	}
	if in.SAMLMetadataDocument != nil {
		md, err := parseSAMLMetadata(*in.SAMLMetadataDocument)
		if err != nil {
			return nil, err
		}
		p.applyMetadata(*in.SAMLMetadataDocument, md)
	}
	if in.RemovePrivateKey != nil {
		n := len(p.PrivateKeys)
		p.PrivateKeys = slices.DeleteFunc(p.PrivateKeys, func(k samlPrivateKey) bool { return k.KeyID == *in.RemovePrivateKey })
		if len(p.PrivateKeys) == n {
			return nil, apierror.New("InvalidInput", "The private key %s does not belong to this SAML provider.", *in.RemovePrivateKey)
		}
	}
	if in.AddPrivateKey != nil {
		if err := p.addSAMLPrivateKey(c, *in.AddPrivateKey); err != nil {
			return nil, err
		}
	}
	if in.AssertionEncryptionMode != "" {
		p.AssertionEncryptionMode = in.AssertionEncryptionMode
	}
	if err := p.checkEncryptionMode(); err != nil {
		return nil, err
	}
	return &iam.UpdateSAMLProviderOutput{SAMLProviderArn: aws.String(p.Arn)}, putSAMLProvider(c, p)
}

func deleteSAMLProvider(c *api.Context, in *iam.DeleteSAMLProviderInput) (*iam.DeleteSAMLProviderOutput, error) {
	return &iam.DeleteSAMLProviderOutput{}, samlProviderKind.delete(c, loadSAMLProvider, aws.ToString(in.SAMLProviderArn))
}
