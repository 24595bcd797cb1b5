package iam

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// renameUserExtras moves a renamed user's MFA devices, SSH keys, signing
// certificates and service-specific credentials to the new name. UpdateUser
// calls it with the user's old and new names.
func renameUserExtras(c *api.Context, oldName, newName string) error {
	sc, old := c.GlobalScope(), store.Query{Parent: nameKey(oldName)}
	devices, err := MFADevices.List(c.Tx, sc, old)
	if err != nil {
		return err
	}
	for _, it := range devices {
		it.Doc.UserName = newName
		if err := putMFADevice(c, it.Doc); err != nil {
			return err
		}
	}
	keys, err := SSHPublicKeys.List(c.Tx, sc, old)
	if err != nil {
		return err
	}
	for _, it := range keys {
		it.Doc.UserName = aws.String(newName)
		if err := putSSHKey(c, it.Doc); err != nil {
			return err
		}
	}
	certs, err := SigningCertificates.List(c.Tx, sc, old)
	if err != nil {
		return err
	}
	for _, it := range certs {
		it.Doc.UserName = aws.String(newName)
		if err := putSigningCertificate(c, nameKey(newName), it.Doc); err != nil {
			return err
		}
	}
	creds, err := ServiceCredentials.List(c.Tx, sc, old)
	if err != nil {
		return err
	}
	for _, it := range creds {
		it.Doc.UserName = aws.String(newName)
		if err := putServiceCredential(c, it.Doc); err != nil {
			return err
		}
	}
	return nil
}
