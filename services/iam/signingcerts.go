package iam

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
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

// SigningCertificate is an X.509 certificate of a user (or of the root user,
// whose certificates have an empty owner key).
type SigningCertificate struct {
	types.SigningCertificate
	Fingerprint string
}

// SigningCertificates is keyed by certificate id; Index.Parent is the owner
// (lower-cased user name, or rootOwner) and Index.Attr the certificate's SHA-256.
var SigningCertificates = store.Collection[SigningCertificate]{Kind: "iam/signing-certificate"}

const (
	maxSigningCertsPerUser = 2
	// rootOwner owns the root user's signing certificates.
	rootOwner = "#root"
)

func registerSigningCertificates(s *api.Service) {
	api.Handle(s, "UploadSigningCertificate", uploadSigningCertificate)
	api.Handle(s, "UpdateSigningCertificate", updateSigningCertificate)
	api.Handle(s, "DeleteSigningCertificate", deleteSigningCertificate)
	api.Handle(s, "ListSigningCertificates", listSigningCertificates)
}

// signingCertificateDependent blocks DeleteUser while the user has signing certificates.
func signingCertificateDependent(c *api.Context, userName string) (string, error) {
	n, err := SigningCertificates.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
	if err != nil || n == 0 {
		return "", err
	}
	return "Cannot delete entity, must delete signing certificates first.", nil
}

// signingCertificateSummary reports whether the root user has signing certificates.
func signingCertificateSummary(c *api.Context) (map[string]int32, error) {
	n, err := SigningCertificates.Count(c.Tx, c.GlobalScope(), store.Query{Parent: rootOwner})
	return map[string]int32{"AccountSigningCertificatesPresent": min(int32(n), 1)}, err
}

var errMalformedCertificate = apierror.New("MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is in PEM format.")

// parseCertificatePEM reads one PEM-encoded X.509 certificate.
func parseCertificatePEM(body string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(body)))
	if block == nil || block.Type != "CERTIFICATE" || len(strings.TrimSpace(string(rest))) > 0 {
		return nil, errMalformedCertificate
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errMalformedCertificate
	}
	return cert, nil
}

func certFingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// certificateOwner resolves whose certificates a request means: the named user,
// the calling user, or the root user. It returns the owner key and user name.
func certificateOwner(c *api.Context, name *string) (owner, userName string, err error) {
	userName = targetUserName(c, name)
	if userName == "" {
		return rootOwner, c.Account(), nil
	}
	u, err := requireUser(c, userName)
	if err != nil {
		return "", "", err
	}
	return nameKey(userName), aws.ToString(u.UserName), nil
}

func putSigningCertificate(c *api.Context, owner string, sc *SigningCertificate) error {
	return SigningCertificates.Put(c.Tx, c.GlobalScope(), aws.ToString(sc.CertificateId), store.Index{Parent: owner, Attr: sc.Fingerprint}, sc)
}

func loadSigningCertificate(c *api.Context, name *string, id string) (string, *SigningCertificate, error) {
	owner, _, err := certificateOwner(c, name)
	if err != nil {
		return "", nil, err
	}
	sc, err := SigningCertificates.Get(c.Tx, c.GlobalScope(), id)
	if err != nil {
		return "", nil, err
	}
	if sc == nil {
		return "", nil, apierror.New("NoSuchEntity", "The Certificate with id %s cannot be found.", id)
	}
	if !strings.EqualFold(aws.ToString(sc.UserName), targetOrAccount(c, name)) {
		return "", nil, apierror.New("NoSuchEntity", "The Certificate with id %s cannot be found.", id)
	}
	return owner, sc, nil
}

// targetOrAccount is the user a certificate request means, or the account id for the root user.
func targetOrAccount(c *api.Context, name *string) string {
	if n := targetUserName(c, name); n != "" {
		return n
	}
	return c.Account()
}

func uploadSigningCertificate(c *api.Context, in *iam.UploadSigningCertificateInput) (*iam.UploadSigningCertificateOutput, error) {
	owner, userName, err := certificateOwner(c, in.UserName)
	if err != nil {
		return nil, err
	}
	cert, err := parseCertificatePEM(aws.ToString(in.CertificateBody))
	if err != nil {
		return nil, err
	}
	if now := c.Now(); now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, apierror.New("InvalidCertificate", "The certificate is not valid at this time: it is valid from %s to %s.",
			cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	fp := certFingerprint(cert)
	if found, err := SigningCertificates.Exists(c.Tx, c.GlobalScope(), store.Query{Attr: fp}); err != nil {
		return nil, err
	} else if found {
		return nil, apierror.New("DuplicateCertificate", "The request was rejected because the same certificate is associated with an IAM user in the account.")
	}
	if n, err := SigningCertificates.Count(c.Tx, c.GlobalScope(), store.Query{Parent: owner}); err != nil {
		return nil, err
	} else if n >= maxSigningCertsPerUser {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for CertificatesPerUser: %d", maxSigningCertsPerUser)
	}
	sc := &SigningCertificate{Fingerprint: fp}
	sc.UserName, sc.CertificateId = aws.String(userName), aws.String(api.RandomString(upperAlnumDigits, 32))
	sc.CertificateBody, sc.Status = aws.String(aws.ToString(in.CertificateBody)), types.StatusTypeActive
	sc.UploadDate = aws.Time(c.Now().UTC().Truncate(time.Second))
	if err := putSigningCertificate(c, owner, sc); err != nil {
		return nil, err
	}
	out := sc.SigningCertificate
	return &iam.UploadSigningCertificateOutput{Certificate: &out}, nil
}

func updateSigningCertificate(c *api.Context, in *iam.UpdateSigningCertificateInput) (*iam.UpdateSigningCertificateOutput, error) {
	owner, sc, err := loadSigningCertificate(c, in.UserName, aws.ToString(in.CertificateId))
	if err != nil {
		return nil, err
	}
	sc.Status = in.Status
	return &iam.UpdateSigningCertificateOutput{}, putSigningCertificate(c, owner, sc)
}

func deleteSigningCertificate(c *api.Context, in *iam.DeleteSigningCertificateInput) (*iam.DeleteSigningCertificateOutput, error) {
	_, sc, err := loadSigningCertificate(c, in.UserName, aws.ToString(in.CertificateId))
	if err != nil {
		return nil, err
	}
	_, err = SigningCertificates.Delete(c.Tx, c.GlobalScope(), aws.ToString(sc.CertificateId))
	return &iam.DeleteSigningCertificateOutput{}, err
}

func listSigningCertificates(c *api.Context, in *iam.ListSigningCertificatesInput) (*iam.ListSigningCertificatesOutput, error) {
	owner, _, err := certificateOwner(c, in.UserName)
	if err != nil {
		return nil, err
	}
	items, err := SigningCertificates.List(c.Tx, c.GlobalScope(), store.Query{Parent: owner})
	if err != nil {
		return nil, err
	}
	certs := []types.SigningCertificate{}
	for _, it := range items {
		certs = append(certs, it.Doc.SigningCertificate)
	}
	page, next, truncated, err := pageByMarker("iam:ListSigningCertificates:"+owner, certs, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListSigningCertificatesOutput{Certificates: page, Marker: next, IsTruncated: truncated}, nil
}
