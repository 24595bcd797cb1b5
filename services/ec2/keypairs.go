package ec2

import (
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

func registerKeyPairs(s *api.Service) {
	handle(s, "CreateKeyPair", createKeyPair)
	handle(s, "ImportKeyPair", importKeyPair)
	handle(s, "DeleteKeyPair", deleteKeyPair)
	handle(s, "DescribeKeyPairs", describeKeyPairs)
}

func colonHex(b []byte) string {
	h := hex.EncodeToString(b)
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// sshString appends an SSH wire-format string.
func sshString(b []byte, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func sshMpint(b []byte, n *big.Int) []byte {
	v := n.Bytes()
	if len(v) > 0 && v[0]&0x80 != 0 {
		v = append([]byte{0}, v...)
	}
	return sshString(b, v)
}

// authorizedKey renders a public key in OpenSSH's one-line format.
func authorizedKey(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		b := sshString(nil, []byte("ssh-rsa"))
		b = sshMpint(b, big.NewInt(int64(k.E)))
		b = sshMpint(b, k.N)
		return "ssh-rsa " + base64.StdEncoding.EncodeToString(b)
	case ed25519.PublicKey:
		b := sshString(nil, []byte("ssh-ed25519"))
		b = sshString(b, k)
		return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(b)
	}
	return ""
}

// parseAuthorizedKey reads an OpenSSH public key line.
func parseAuthorizedKey(line string) (any, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil, errors.New("format")
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil, err
	}
	var parts [][]byte
	for rest := blob; len(rest) > 0; {
		if len(rest) < 4 {
			return nil, errors.New("format")
		}
		n := binary.BigEndian.Uint32(rest)
		if uint32(len(rest)-4) < n {
			return nil, errors.New("format")
		}
		parts, rest = append(parts, rest[4:4+n]), rest[4+n:]
	}
	switch {
	case len(parts) == 3 && string(parts[0]) == "ssh-rsa":
		e := new(big.Int).SetBytes(parts[1])
		return &rsa.PublicKey{E: int(e.Int64()), N: new(big.Int).SetBytes(parts[2])}, nil
	case len(parts) == 2 && string(parts[0]) == "ssh-ed25519" && len(parts[1]) == ed25519.PublicKeySize:
		return ed25519.PublicKey(parts[1]), nil
	}
	return nil, errors.New("format")
}

// ed25519Fingerprint is the base64 SHA-256 of the OpenSSH key blob, as EC2 shows it.
func ed25519Fingerprint(pub ed25519.PublicKey) string {
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(authorizedKey(pub))[1])
	sum := sha256.Sum256(blob)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func keyExists(c *api.Context, name string) (*keyPair, error) {
	ks, err := keyKind.list(c, store.Query{Name: name})
	if err != nil || len(ks) == 0 {
		return nil, err
	}
	return ks[0], nil
}

func storeKey(c *api.Context, name string, kt types.KeyType, fingerprint, public string, specs []types.TagSpecification) (*keyPair, error) {
	if existing, err := keyExists(c, name); err != nil {
		return nil, err
	} else if existing != nil {
		return nil, apiErr("InvalidKeyPair.Duplicate", "The keypair '%s' already exists.", name)
	}
	tags, err := specTags(specs, "key-pair")
	if err != nil {
		return nil, err
	}
	k := &keyPair{KeyPairInfo: types.KeyPairInfo{KeyName: aws.String(name), KeyPairId: aws.String(newID("key")), KeyType: kt,
		KeyFingerprint: aws.String(fingerprint), PublicKey: aws.String(public + " " + name), CreateTime: aws.Time(clock(c)), Tags: tags}}
	if k.Tags == nil {
		k.Tags = []types.Tag{}
	}
	return k, keyKind.put(c, k)
}

func createKeyPair(c *api.Context, in *sdk.CreateKeyPairInput) (*sdk.CreateKeyPairOutput, error) {
	name := aws.ToString(in.KeyName)
	kt := in.KeyType
	if kt == "" {
		kt = types.KeyTypeRsa
	}
	if in.KeyFormat == types.KeyFormatPpk {
		return nil, invalidParam("Value (ppk) for parameter keyFormat is not supported by Longshore; use pem.")
	}
	var material, fingerprint, public string
	switch kt {
	case types.KeyTypeRsa:
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		der := x509.MarshalPKCS1PrivateKey(priv)
		material = strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})))
		pkcs8, _ := x509.MarshalPKCS8PrivateKey(priv)
		sum := sha1.Sum(pkcs8)
		fingerprint = colonHex(sum[:])
		public = authorizedKey(&priv.PublicKey)
	case types.KeyTypeEd25519:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		der, _ := x509.MarshalPKCS8PrivateKey(priv)
		material = strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
		fingerprint = ed25519Fingerprint(pub)
		public = authorizedKey(pub)
	}
	k, err := storeKey(c, name, kt, fingerprint, public, in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &sdk.CreateKeyPairOutput{KeyName: k.KeyName, KeyPairId: k.KeyPairId, KeyFingerprint: k.KeyFingerprint,
		KeyMaterial: aws.String(material), Tags: k.Tags}, nil
}

func importKeyPair(c *api.Context, in *sdk.ImportKeyPairInput) (*sdk.ImportKeyPairOutput, error) {
	line := strings.TrimSpace(string(in.PublicKeyMaterial))
	if decoded, err := base64.StdEncoding.DecodeString(line); err == nil && strings.HasPrefix(string(decoded), "ssh-") {
		line = strings.TrimSpace(string(decoded))
	}
	pub, err := parseAuthorizedKey(line)
	if err != nil {
		return nil, apiErr("InvalidKey.Format", "Key is not in valid OpenSSH public key format")
	}
	var kt types.KeyType
	var fingerprint string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		kt = types.KeyTypeRsa
		der, _ := x509.MarshalPKIXPublicKey(k)
		sum := md5.Sum(der)
		fingerprint = colonHex(sum[:])
	case ed25519.PublicKey:
		kt = types.KeyTypeEd25519
		fingerprint = ed25519Fingerprint(k)
	}
	k, err := storeKey(c, aws.ToString(in.KeyName), kt, fingerprint, authorizedKey(pub), in.TagSpecifications)
	if err != nil {
		return nil, err
	}
	return &sdk.ImportKeyPairOutput{KeyName: k.KeyName, KeyPairId: k.KeyPairId, KeyFingerprint: k.KeyFingerprint, Tags: k.Tags}, nil
}

func deleteKeyPair(c *api.Context, in *sdk.DeleteKeyPairInput) (*sdk.DeleteKeyPairOutput, error) {
	var k *keyPair
	var err error
	if in.KeyPairId != nil {
		k, err = keyKind.get(c, *in.KeyPairId)
	} else {
		k, err = keyExists(c, aws.ToString(in.KeyName))
	}
	if err != nil {
		return nil, err
	}
	// Deleting a key pair that does not exist succeeds, as on AWS.
	if k == nil {
		return &sdk.DeleteKeyPairOutput{Return: aws.Bool(true)}, nil
	}
	return &sdk.DeleteKeyPairOutput{Return: aws.Bool(true), KeyPairId: k.KeyPairId}, keyKind.delete(c, aws.ToString(k.KeyPairId))
}

func describeKeyPairs(c *api.Context, in *sdk.DescribeKeyPairsInput) (*sdk.DescribeKeyPairsOutput, error) {
	ids := append([]string(nil), in.KeyPairIds...)
	for _, n := range in.KeyNames {
		k, err := keyExists(c, n)
		if err != nil {
			return nil, err
		}
		if k == nil {
			return nil, apiErr("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", n)
		}
		ids = append(ids, aws.ToString(k.KeyPairId))
	}
	l := listing[keyPair]{op: "DescribeKeyPairs",
		id:   func(k *keyPair) string { return aws.ToString(k.KeyPairId) },
		tags: func(k *keyPair) []types.Tag { return k.Tags },
		fields: func(k *keyPair) fields {
			f := fields{}
			f.addPtr("key-name", k.KeyName)
			f.addPtr("key-pair-id", k.KeyPairId)
			f.addPtr("fingerprint", k.KeyFingerprint)
			f.add("key-type", string(k.KeyType))
			return f
		},
		filters:  []string{"key-name", "key-pair-id", "fingerprint", "key-type"},
		notFound: func(id string) error { return notFoundAs("key", id) },
	}
	// Named key pairs are read one by one; DescribeKeyPairs has no paging,
	// so without names every key pair (at most the region's quota) is the answer.
	out, _, err := l.page(c, keyKind, nil, ids, in.Filters, nil, nil)
	if err != nil {
		return nil, err
	}
	infos := make([]types.KeyPairInfo, len(out))
	for i, k := range out {
		infos[i] = k.KeyPairInfo
		if !aws.ToBool(in.IncludePublicKey) {
			infos[i].PublicKey = nil
		}
	}
	return &sdk.DescribeKeyPairsOutput{KeyPairs: infos}, nil
}
