package iam_test

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestExtrasSSHPublicKeys(t *testing.T) {
	_, client := coreStart(t)
	extrasCreateUser(t, client, "dev")
	pub, body := extrasSSHKey(t, 2048)
	key := harness.Must(client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(body)}))(t).SSHPublicKey
	id := aws.ToString(key.SSHPublicKeyId)
	if !regexp.MustCompile(`^APKA[A-Z0-9]{16}$`).MatchString(id) || key.Status != types.StatusTypeActive || key.UploadDate == nil ||
		aws.ToString(key.UserName) != "dev" {
		t.Fatalf("uploaded %+v", key)
	}
	wire, _ := base64.StdEncoding.DecodeString(strings.Fields(body)[1])
	sum := md5.Sum(wire)
	hexes := []string{}
	for _, b := range sum {
		hexes = append(hexes, fmt.Sprintf("%02x", b))
	}
	if aws.ToString(key.Fingerprint) != strings.Join(hexes, ":") {
		t.Errorf("fingerprint %s, want %s", aws.ToString(key.Fingerprint), strings.Join(hexes, ":"))
	}

	// Both encodings render the same key.
	ssh := harness.Must(client.GetSSHPublicKey(harness.Ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id),
		Encoding: types.EncodingTypeSsh}))(t).SSHPublicKey
	if aws.ToString(ssh.SSHPublicKeyBody) != strings.Join(strings.Fields(body)[:2], " ") {
		t.Errorf("SSH encoding %q", aws.ToString(ssh.SSHPublicKeyBody))
	}
	pemOut := harness.Must(client.GetSSHPublicKey(harness.Ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id),
		Encoding: types.EncodingTypePem}))(t).SSHPublicKey
	block, _ := pem.Decode([]byte(aws.ToString(pemOut.SSHPublicKeyBody)))
	if block == nil {
		t.Fatalf("PEM encoding %q", aws.ToString(pemOut.SSHPublicKeyBody))
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !pub.Equal(parsed.(*rsa.PublicKey)) {
		t.Fatalf("PEM key %v", err)
	}

	// A PEM upload is the same key: a duplicate.
	_, err = client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: pemOut.SSHPublicKeyBody})
	harness.AssertError(t, err, "DuplicateSSHPublicKey", 400, "")
	_, err = client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String("ssh-dss AAAAB3NzaC1kc3M=")})
	harness.AssertError(t, err, "UnrecognizedPublicKeyEncoding", 400, "")
	_, err = client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String("ssh-rsa !!!notbase64")})
	harness.AssertError(t, err, "InvalidPublicKey", 400, "")
	_, small := extrasSSHKey(t, 1024)
	_, err = client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(small)})
	harness.AssertAPIError(t, err, "InvalidPublicKey")
	_, err = client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("ghost"), SSHPublicKeyBody: aws.String(body)})
	harness.AssertAPIError(t, err, "NoSuchEntity")

	_, body2 := extrasSSHKey(t, 2048)
	harness.Must(client.UploadSSHPublicKey(harness.Ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyBody: aws.String(body2)}))(t)
	harness.Must(client.UpdateSSHPublicKey(harness.Ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Status: types.StatusTypeInactive}))(t)
	var keys []types.SSHPublicKeyMetadata
	p := iam.NewListSSHPublicKeysPaginator(client, &iam.ListSSHPublicKeysInput{UserName: aws.String("dev"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		keys = append(keys, harness.Must(p.NextPage(harness.Ctx))(t).SSHPublicKeys...)
	}
	if len(keys) != 2 || aws.ToString(keys[0].SSHPublicKeyId) != id || keys[0].Status != types.StatusTypeInactive || keys[1].Status != types.StatusTypeActive {
		t.Fatalf("keys %+v", keys)
	}

	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("dev")})
	harness.AssertAPIError(t, err, "DeleteConflict")
	harness.Must(client.DeleteSSHPublicKey(harness.Ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id)}))(t)
	_, err = client.GetSSHPublicKey(harness.Ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("dev"), SSHPublicKeyId: aws.String(id), Encoding: types.EncodingTypeSsh})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The Public Key with id "+id+" cannot be found.")
}

func TestExtrasSigningCertificates(t *testing.T) {
	_, client := coreStart(t)
	extrasCreateUser(t, client, "svc")
	certPEM, _ := extrasCert(t, "svc", time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), true)
	cert := harness.Must(client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"),
		CertificateBody: aws.String(certPEM)}))(t).Certificate
	id := aws.ToString(cert.CertificateId)
	if len(id) < 24 || cert.Status != types.StatusTypeActive || aws.ToString(cert.UserName) != "svc" || cert.UploadDate == nil {
		t.Fatalf("uploaded %+v", cert)
	}
	_, err := client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"), CertificateBody: aws.String(certPEM)})
	harness.AssertError(t, err, "DuplicateCertificate", 409, "")
	_, err = client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"), CertificateBody: aws.String("not a certificate")})
	harness.AssertError(t, err, "MalformedCertificate", 400, "")
	expired, _ := extrasCert(t, "old", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), false)
	_, err = client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"), CertificateBody: aws.String(expired)})
	harness.AssertError(t, err, "InvalidCertificate", 400, "")
	second, _ := extrasCert(t, "svc2", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	harness.Must(client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"), CertificateBody: aws.String(second)}))(t)
	third, _ := extrasCert(t, "svc3", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	_, err = client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("svc"), CertificateBody: aws.String(third)})
	harness.AssertError(t, err, "LimitExceeded", 409, "")

	harness.Must(client.UpdateSigningCertificate(harness.Ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("svc"), CertificateId: aws.String(id),
		Status: types.StatusTypeInactive}))(t)
	var certs []types.SigningCertificate
	p := iam.NewListSigningCertificatesPaginator(client, &iam.ListSigningCertificatesInput{UserName: aws.String("svc"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		certs = append(certs, harness.Must(p.NextPage(harness.Ctx))(t).Certificates...)
	}
	if len(certs) != 2 || certs[0].Status != types.StatusTypeInactive || !strings.Contains(aws.ToString(certs[0].CertificateBody), "BEGIN CERTIFICATE") {
		t.Fatalf("certs %+v", certs)
	}

	// The root user has its own certificates.
	harness.Must(client.UploadSigningCertificate(harness.Ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(third)}))(t)
	root := harness.Must(client.ListSigningCertificates(harness.Ctx, &iam.ListSigningCertificatesInput{}))(t).Certificates
	if len(root) != 1 {
		t.Fatalf("root certificates %+v", root)
	}
	if v := harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap["AccountSigningCertificatesPresent"]; v != 1 {
		t.Errorf("AccountSigningCertificatesPresent %d", v)
	}

	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("svc")})
	harness.AssertError(t, err, "DeleteConflict", 409, "Cannot delete entity, must delete signing certificates first.")
	harness.Must(client.DeleteSigningCertificate(harness.Ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("svc"), CertificateId: aws.String(id)}))(t)
	_, err = client.DeleteSigningCertificate(harness.Ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("svc"), CertificateId: aws.String(id)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The Certificate with id "+id+" cannot be found.")
}

func TestExtrasServerCertificates(t *testing.T) {
	_, client := coreStart(t)
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	certPEM, keyPEM := extrasCert(t, "www.example.com", time.Now().Add(-time.Hour), notAfter, true)
	chainPEM, otherKey := extrasCert(t, "Example CA", time.Now().Add(-time.Hour), notAfter, false)
	up := harness.Must(client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"),
		Path: aws.String("/cloudfront/"), CertificateBody: aws.String(certPEM), PrivateKey: aws.String(keyPEM), CertificateChain: aws.String(chainPEM),
		Tags: []types.Tag{{Key: aws.String("site"), Value: aws.String("www")}}}))(t)
	m := up.ServerCertificateMetadata
	if aws.ToString(m.Arn) != "arn:aws:iam::000000000000:server-certificate/cloudfront/www" || aws.ToString(m.Path) != "/cloudfront/" ||
		!regexp.MustCompile(`^ASCA[A-Z0-9]{17}$`).MatchString(aws.ToString(m.ServerCertificateId)) || !m.Expiration.Equal(notAfter) ||
		len(up.Tags) != 1 {
		t.Fatalf("metadata %+v", m)
	}
	_, err := client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"),
		CertificateBody: aws.String(certPEM), PrivateKey: aws.String(keyPEM)})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "The Server Certificate with name www already exists.")
	_, err = client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("mismatch"),
		CertificateBody: aws.String(certPEM), PrivateKey: aws.String(otherKey)})
	harness.AssertError(t, err, "KeyPairMismatch", 400, "")
	_, err = client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("bad"),
		CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), PrivateKey: aws.String(keyPEM)})
	harness.AssertError(t, err, "MalformedCertificate", 400, "")
	_, err = client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("badchain"),
		CertificateBody: aws.String(certPEM), PrivateKey: aws.String(keyPEM), CertificateChain: aws.String("garbage")})
	harness.AssertAPIError(t, err, "MalformedCertificate")

	got := harness.Must(client.GetServerCertificate(harness.Ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("www")}))(t).ServerCertificate
	if aws.ToString(got.CertificateBody) != strings.TrimSpace(certPEM) || aws.ToString(got.CertificateChain) != chainPEM ||
		aws.ToString(got.ServerCertificateMetadata.ServerCertificateName) != "www" {
		t.Fatalf("get %+v", got)
	}

	// Rename and move.
	harness.Must(client.UpdateServerCertificate(harness.Ctx, &iam.UpdateServerCertificateInput{ServerCertificateName: aws.String("www"),
		NewServerCertificateName: aws.String("www-2026"), NewPath: aws.String("/elb/")}))(t)
	_, err = client.GetServerCertificate(harness.Ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The Server Certificate with name www cannot be found.")
	ecCert, ecKey := extrasCert(t, "api.example.com", time.Now().Add(-time.Hour), notAfter, false)
	harness.Must(client.UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("api"),
		CertificateBody: aws.String(ecCert), PrivateKey: aws.String(ecKey)}))(t)
	_, err = client.UpdateServerCertificate(harness.Ctx, &iam.UpdateServerCertificateInput{ServerCertificateName: aws.String("api"),
		NewServerCertificateName: aws.String("WWW-2026")})
	harness.AssertAPIError(t, err, "EntityAlreadyExists")

	var all []types.ServerCertificateMetadata
	p := iam.NewListServerCertificatesPaginator(client, &iam.ListServerCertificatesInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		all = append(all, harness.Must(p.NextPage(harness.Ctx))(t).ServerCertificateMetadataList...)
	}
	if len(all) != 2 || aws.ToString(all[0].Arn) != "arn:aws:iam::000000000000:server-certificate/elb/www-2026" {
		t.Fatalf("list %+v", all)
	}
	elb := harness.Must(client.ListServerCertificates(harness.Ctx, &iam.ListServerCertificatesInput{PathPrefix: aws.String("/elb/")}))(t).ServerCertificateMetadataList
	if len(elb) != 1 || aws.ToString(elb[0].ServerCertificateName) != "www-2026" {
		t.Fatalf("PathPrefix /elb/: %+v", elb)
	}
	if v := harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap["ServerCertificates"]; v != 2 {
		t.Errorf("summary ServerCertificates %d", v)
	}

	// Tags.
	harness.Must(client.TagServerCertificate(harness.Ctx, &iam.TagServerCertificateInput{ServerCertificateName: aws.String("www-2026"),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	var tags []types.Tag
	tp := iam.NewListServerCertificateTagsPaginator(client, &iam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www-2026"), MaxItems: aws.Int32(1)})
	for tp.HasMorePages() {
		tags = append(tags, harness.Must(tp.NextPage(harness.Ctx))(t).Tags...)
	}
	if len(tags) != 2 {
		t.Fatalf("tags %+v", tags)
	}
	harness.Must(client.UntagServerCertificate(harness.Ctx, &iam.UntagServerCertificateInput{ServerCertificateName: aws.String("www-2026"), TagKeys: []string{"site"}}))(t)
	if tl := harness.Must(client.ListServerCertificateTags(harness.Ctx, &iam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www-2026")}))(t).Tags; len(tl) != 1 || aws.ToString(tl[0].Key) != "env" {
		t.Errorf("tags after untag %+v", tl)
	}

	harness.Must(client.DeleteServerCertificate(harness.Ctx, &iam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www-2026")}))(t)
	_, err = client.DeleteServerCertificate(harness.Ctx, &iam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www-2026")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

func TestExtrasServiceSpecificCredentials(t *testing.T) {
	_, client := coreStart(t)
	extrasCreateUser(t, client, "git")
	extrasCreateUser(t, client, "other")
	cred := harness.Must(client.CreateServiceSpecificCredential(harness.Ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceName: aws.String("codecommit.amazonaws.com")}))(t).ServiceSpecificCredential
	id := aws.ToString(cred.ServiceSpecificCredentialId)
	if !regexp.MustCompile(`^ACCA[A-Z0-9]{17}$`).MatchString(id) || aws.ToString(cred.ServiceUserName) != "git-at-000000000000" ||
		len(aws.ToString(cred.ServicePassword)) != 44 || cred.Status != types.StatusTypeActive || cred.CreateDate == nil {
		t.Fatalf("credential %+v", cred)
	}
	harness.Must(client.CreateServiceSpecificCredential(harness.Ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceName: aws.String("codecommit.amazonaws.com")}))(t)
	_, err := client.CreateServiceSpecificCredential(harness.Ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceName: aws.String("codecommit.amazonaws.com")})
	harness.AssertError(t, err, "LimitExceeded", 409, "")
	_, err = client.CreateServiceSpecificCredential(harness.Ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceName: aws.String("s3.amazonaws.com")})
	harness.AssertError(t, err, "NotSupportedService", 404, "")
	bedrock := harness.Must(client.CreateServiceSpecificCredential(harness.Ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("other"),
		ServiceName: aws.String("bedrock.amazonaws.com"), CredentialAgeDays: aws.Int32(30)}))(t).ServiceSpecificCredential
	if bedrock.ServiceCredentialSecret == nil || bedrock.ServicePassword != nil || bedrock.ExpirationDate == nil ||
		bedrock.ExpirationDate.Sub(*bedrock.CreateDate) != 30*24*time.Hour {
		t.Fatalf("bedrock key %+v", bedrock)
	}

	reset := harness.Must(client.ResetServiceSpecificCredential(harness.Ctx, &iam.ResetServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceSpecificCredentialId: aws.String(id)}))(t).ServiceSpecificCredential
	if aws.ToString(reset.ServicePassword) == aws.ToString(cred.ServicePassword) || aws.ToString(reset.ServiceSpecificCredentialId) != id {
		t.Errorf("reset did not change the password")
	}
	harness.Must(client.UpdateServiceSpecificCredential(harness.Ctx, &iam.UpdateServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceSpecificCredentialId: aws.String(id), Status: types.StatusTypeInactive}))(t)
	list := harness.Must(client.ListServiceSpecificCredentials(harness.Ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("git")}))(t).ServiceSpecificCredentials
	if len(list) != 2 || list[0].Status != types.StatusTypeInactive {
		t.Fatalf("list %+v", list)
	}
	all := harness.Must(client.ListServiceSpecificCredentials(harness.Ctx, &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true),
		ServiceName: aws.String("bedrock.amazonaws.com")}))(t).ServiceSpecificCredentials
	if len(all) != 1 || aws.ToString(all[0].UserName) != "other" {
		t.Fatalf("all users, bedrock: %+v", all)
	}
	// Another user's credential is not found under this user.
	_, err = client.DeleteServiceSpecificCredential(harness.Ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("other"),
		ServiceSpecificCredentialId: aws.String(id)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	_, err = client.DeleteUser(harness.Ctx, &iam.DeleteUserInput{UserName: aws.String("git")})
	harness.AssertAPIError(t, err, "DeleteConflict")
	harness.Must(client.DeleteServiceSpecificCredential(harness.Ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("git"),
		ServiceSpecificCredentialId: aws.String(id)}))(t)
	if n := len(harness.Must(client.ListServiceSpecificCredentials(harness.Ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("git")}))(t).ServiceSpecificCredentials); n != 1 {
		t.Errorf("%d credentials left", n)
	}
}
