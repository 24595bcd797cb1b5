package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/longshore/longshore/store"
)

// ServerCertificateKeyPair reads the PEM certificate, chain and private key
// of the server certificate an ARN names
// (arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME), for load balancer
// listeners that present it. ok is false when there is none.
func ServerCertificateKeyPair(tx *store.Tx, arn string) (certPEM, chainPEM, keyPEM string, ok bool, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "server-certificate/") {
		return "", "", "", false, nil
	}
	name := parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	sc, err := ServerCertificates.Get(tx, store.Scope{Account: parts[4]}, nameKey(name))
	if err != nil || sc == nil || sc.PrivateKey == "" || aws.ToString(sc.ServerCertificateMetadata.Arn) != arn {
		return "", "", "", false, err
	}
	return aws.ToString(sc.CertificateBody), aws.ToString(sc.CertificateChain), sc.PrivateKey, true, nil
}
