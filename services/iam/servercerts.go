package iam

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// ServerCertificate is an uploaded TLS certificate with its chain. The private
// key is checked against the certificate and never returned.
type ServerCertificate struct {
	types.ServerCertificate
	// PrivateKey is the uploaded key (PEM), kept so that load balancer
	// listeners can present the certificate; no API returns it.
	PrivateKey string `json:",omitempty"`
}

// ServerCertificates is keyed by lower-cased name; Index.Name is the path.
var ServerCertificates = store.Collection[ServerCertificate]{Kind: "iam/server-certificate"}

const (
	maxServerCertificates = 20
	serverCertTagsQuota   = "TagsPerServerCertificate"
)

func registerServerCertificates(s *api.Service) {
	api.Handle(s, "UploadServerCertificate", uploadServerCertificate)
	api.Handle(s, "GetServerCertificate", getServerCertificate)
	api.Handle(s, "UpdateServerCertificate", updateServerCertificate)
	api.Handle(s, "DeleteServerCertificate", deleteServerCertificate)
	api.Handle(s, "ListServerCertificates", listServerCertificates)
	api.Handle(s, "TagServerCertificate", func(c *api.Context, in *iam.TagServerCertificateInput) (*iam.TagServerCertificateOutput, error) {
		return &iam.TagServerCertificateOutput{}, serverCertificateTags.tag(c, in.ServerCertificateName, in.Tags)
	})
	api.Handle(s, "UntagServerCertificate", func(c *api.Context, in *iam.UntagServerCertificateInput) (*iam.UntagServerCertificateOutput, error) {
		return &iam.UntagServerCertificateOutput{}, serverCertificateTags.untag(c, in.ServerCertificateName, in.TagKeys)
	})
	api.Handle(s, "ListServerCertificateTags", func(c *api.Context, in *iam.ListServerCertificateTagsInput) (*iam.ListServerCertificateTagsOutput, error) {
		tags, pg, err := serverCertificateTags.list(c, in.ServerCertificateName, in.Marker, in.MaxItems)
		return &iam.ListServerCertificateTagsOutput{Tags: tags, Marker: pg.Marker, IsTruncated: pg.Truncated}, err
	})
}

var serverCertificateTags = taggable[ServerCertificate]{rules: quotaTagRules(serverCertTagsQuota),
	load: loadServerCertificate, loadToChange: loadServerCertificate, save: putServerCertificate,
	tags: func(sc *ServerCertificate) *[]types.Tag { return &sc.Tags },
	listing: func(sc *ServerCertificate) string {
		return "iam:ListServerCertificateTags:" + aws.ToString(sc.meta().Arn)
	}}

// serverCertificateSummary counts the account's server certificates.
func serverCertificateSummary(c *api.Context) (map[string]int32, error) {
	n, err := ServerCertificates.Count(c.Tx, c.GlobalScope(), store.Query{})
	return map[string]int32{"ServerCertificates": int32(n)}, err
}

func (sc *ServerCertificate) meta() *types.ServerCertificateMetadata {
	return sc.ServerCertificateMetadata
}

func putServerCertificate(c *api.Context, sc *ServerCertificate) error {
	m := sc.meta()
	return ServerCertificates.Put(c.Tx, c.GlobalScope(), nameKey(aws.ToString(m.ServerCertificateName)), store.Index{Name: aws.ToString(m.Path)}, sc)
}

func loadServerCertificate(c *api.Context, name string) (*ServerCertificate, error) {
	sc, err := ServerCertificates.Get(c.Tx, c.GlobalScope(), nameKey(name))
	if err != nil {
		return nil, err
	}
	if sc == nil {
		return nil, apierror.New("NoSuchEntity", "The Server Certificate with name %s cannot be found.", name)
	}
	return sc, nil
}

// parsePrivateKeyPEM reads a PEM private key in PKCS #1, PKCS #8 or SEC 1 form.
func parsePrivateKeyPEM(body string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(body)))
	if block == nil {
		return nil, apierror.New("MalformedCertificate", "Unable to parse private key. Please ensure the private key is in PEM format.")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
	}
	return nil, apierror.New("MalformedCertificate", "Unable to parse private key. Please ensure the private key is in PEM format.")
}

// publicKeysEqual compares the public half of a private key with a certificate's key.
func publicKeysEqual(a, b crypto.PublicKey) bool {
	switch k := a.(type) {
	case *rsa.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	case ed25519.PublicKey:
		return k.Equal(b)
	}
	return false
}

// parseCertificateChain reads the concatenated PEM certificates of a chain.
func parseCertificateChain(chain string) error {
	rest := []byte(strings.TrimSpace(chain))
	n := 0
	for len(strings.TrimSpace(string(rest))) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil || block.Type != "CERTIFICATE" {
			return apierror.New("MalformedCertificate", "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.")
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return apierror.New("MalformedCertificate", "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.")
		}
		n++
	}
	if n == 0 {
		return apierror.New("MalformedCertificate", "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.")
	}
	return nil
}

func uploadServerCertificate(c *api.Context, in *iam.UploadServerCertificateInput) (*iam.UploadServerCertificateOutput, error) {
	name, path := aws.ToString(in.ServerCertificateName), defaultPath(in.Path)
	cert, err := parseCertificatePEM(aws.ToString(in.CertificateBody))
	if err != nil {
		return nil, err
	}
	key, err := parsePrivateKeyPEM(aws.ToString(in.PrivateKey))
	if err != nil {
		return nil, err
	}
	if !publicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, apierror.New("KeyPairMismatch", "The private key did not match the public key provided in the certificate.")
	}
	if in.CertificateChain != nil {
		if err := parseCertificateChain(*in.CertificateChain); err != nil {
			return nil, err
		}
	}
	tags, err := withTags(nil, in.Tags, serverCertTagsQuota)
	if err != nil {
		return nil, err
	}
	if old, err := ServerCertificates.Get(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apierror.New("EntityAlreadyExists", "The Server Certificate with name %s already exists.", name)
	}
	if n, err := ServerCertificates.Count(c.Tx, c.GlobalScope(), store.Query{}); err != nil {
		return nil, err
	} else if n >= maxServerCertificates {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for ServerCertificatesPerAccount: %d", maxServerCertificates)
	}
	sc := &ServerCertificate{}
	sc.ServerCertificateMetadata = &types.ServerCertificateMetadata{
		Arn: aws.String(iamARN(c, "server-certificate"+path+name)), Path: aws.String(path), ServerCertificateName: aws.String(name),
		ServerCertificateId: aws.String("ASCA" + api.RandomString(upperAlnumDigits, 17)),
		Expiration:          aws.Time(cert.NotAfter.UTC()), UploadDate: aws.Time(c.Now().UTC().Truncate(time.Second)),
	}
	sc.CertificateBody, sc.CertificateChain, sc.Tags = aws.String(strings.TrimSpace(aws.ToString(in.CertificateBody))), in.CertificateChain, tags
	sc.PrivateKey = strings.TrimSpace(aws.ToString(in.PrivateKey))
	if err := putServerCertificate(c, sc); err != nil {
		return nil, err
	}
	m := *sc.meta()
	return &iam.UploadServerCertificateOutput{ServerCertificateMetadata: &m, Tags: sc.Tags}, nil
}

func getServerCertificate(c *api.Context, in *iam.GetServerCertificateInput) (*iam.GetServerCertificateOutput, error) {
	sc, err := loadServerCertificate(c, aws.ToString(in.ServerCertificateName))
	if err != nil {
		return nil, err
	}
	out := sc.ServerCertificate
	return &iam.GetServerCertificateOutput{ServerCertificate: &out}, nil
}

func updateServerCertificate(c *api.Context, in *iam.UpdateServerCertificateInput) (*iam.UpdateServerCertificateOutput, error) {
	name := aws.ToString(in.ServerCertificateName)
	sc, err := loadServerCertificate(c, name)
	if err != nil {
		return nil, err
	}
	m := sc.meta()
	newName, newPath := aws.ToString(m.ServerCertificateName), aws.ToString(m.Path)
	if in.NewServerCertificateName != nil {
		newName = *in.NewServerCertificateName
	}
	if in.NewPath != nil {
		newPath = *in.NewPath
	}
	if nameKey(newName) != nameKey(name) {
		if old, err := ServerCertificates.Get(c.Tx, c.GlobalScope(), nameKey(newName)); err != nil {
			return nil, err
		} else if old != nil {
			return nil, apierror.New("EntityAlreadyExists", "The Server Certificate with name %s already exists.", newName)
		}
		if _, err := ServerCertificates.Delete(c.Tx, c.GlobalScope(), nameKey(name)); err != nil {
			return nil, err
		}
	}
	m.ServerCertificateName, m.Path = aws.String(newName), aws.String(newPath)
	m.Arn = aws.String(iamARN(c, "server-certificate"+newPath+newName))
	return &iam.UpdateServerCertificateOutput{}, putServerCertificate(c, sc)
}

func deleteServerCertificate(c *api.Context, in *iam.DeleteServerCertificateInput) (*iam.DeleteServerCertificateOutput, error) {
	sc, err := loadServerCertificate(c, aws.ToString(in.ServerCertificateName))
	if err != nil {
		return nil, err
	}
	_, err = ServerCertificates.Delete(c.Tx, c.GlobalScope(), nameKey(aws.ToString(sc.meta().ServerCertificateName)))
	return &iam.DeleteServerCertificateOutput{}, err
}

func listServerCertificates(c *api.Context, in *iam.ListServerCertificatesInput) (*iam.ListServerCertificatesOutput, error) {
	prefix := aws.ToString(in.PathPrefix)
	items, err := ServerCertificates.List(c.Tx, c.GlobalScope(), store.Query{NamePrefix: prefix})
	if err != nil {
		return nil, err
	}
	list := []types.ServerCertificateMetadata{}
	for _, it := range items {
		list = append(list, *it.Doc.meta())
	}
	page, next, truncated, err := pageByMarker("iam:ListServerCertificates:"+prefix, list, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListServerCertificatesOutput{ServerCertificateMetadataList: page, Marker: next, IsTruncated: truncated}, nil
}
