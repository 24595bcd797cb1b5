package iam

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func TestRenameUserExtras(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(tx *store.Tx) error {
		c := &api.Context{Context: context.Background(), Tx: tx, Caller: api.RootPrincipal("123456789012", "test")}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(putMFADevice(c, &MFADevice{SerialNumber: "arn:aws:iam::123456789012:mfa/d", Name: "d", UserName: "Old"}))
		key := &SSHPublicKey{}
		key.SSHPublicKeyId, key.UserName = aws.String("APKA1"), aws.String("Old")
		must(putSSHKey(c, key))
		cert := &SigningCertificate{}
		cert.CertificateId, cert.UserName = aws.String("C1"), aws.String("Old")
		must(putSigningCertificate(c, nameKey("Old"), cert))
		cred := &ServiceCredential{}
		cred.ServiceSpecificCredentialId, cred.UserName, cred.ServiceName = aws.String("ACCA1"), aws.String("Old"), aws.String("codecommit.amazonaws.com")
		cred.Status = types.StatusTypeActive
		must(putServiceCredential(c, cred))

		must(renameUserExtras(c, "Old", "New"))

		count := func(n int, err error) int {
			must(err)
			return n
		}
		q := store.Query{Parent: nameKey("New")}
		for name, n := range map[string]int{
			"MFA devices":  count(MFADevices.Count(tx, c.GlobalScope(), q)),
			"SSH keys":     count(SSHPublicKeys.Count(tx, c.GlobalScope(), q)),
			"certificates": count(SigningCertificates.Count(tx, c.GlobalScope(), q)),
			"credentials":  count(ServiceCredentials.Count(tx, c.GlobalScope(), q)),
		} {
			if n != 1 {
				t.Errorf("%s under the new name: %d", name, n)
			}
		}
		if n := count(MFADevices.Count(tx, c.GlobalScope(), store.Query{Parent: nameKey("Old")})); n != 0 {
			t.Errorf("%d MFA devices left under the old name", n)
		}
		d, err := MFADevices.Get(tx, c.GlobalScope(), "arn:aws:iam::123456789012:mfa/d")
		must(err)
		if d.UserName != "New" {
			t.Errorf("device user %q", d.UserName)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
