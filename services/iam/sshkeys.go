package iam

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// SSHPublicKey is a user's SSH public key (for CodeCommit), kept as the RSA key.
type SSHPublicKey struct {
	types.SSHPublicKey
	// Modulus and Exponent are the RSA key, from which both encodings are rendered.
	Modulus  []byte
	Exponent int
}

// SSHPublicKeys is keyed by key id; Index.Parent is the lower-cased user name.
var SSHPublicKeys = store.Collection[SSHPublicKey]{Kind: "iam/ssh-public-key"}

const (
	maxSSHKeysPerUser = 5
	minSSHKeyBits     = 2048
)

func registerSSHKeys(s *api.Service) {
	api.Handle(s, "UploadSSHPublicKey", uploadSSHPublicKey)
	api.Handle(s, "GetSSHPublicKey", getSSHPublicKey)
	api.Handle(s, "UpdateSSHPublicKey", updateSSHPublicKey)
	api.Handle(s, "DeleteSSHPublicKey", deleteSSHPublicKey)
	api.Handle(s, "ListSSHPublicKeys", listSSHPublicKeys)
}

// sshKeyDependent blocks DeleteUser while the user has SSH public keys.
func sshKeyDependent(c *api.Context, userName string) (string, error) {
	n, err := SSHPublicKeys.Count(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
	if err != nil || n == 0 {
		return "", err
	}
	return "Cannot delete entity, must delete SSH public keys first.", nil
}

var (
	errUnrecognizedKeyEncoding = apierror.New("UnrecognizedPublicKeyEncoding",
		"The request was rejected because the public key encoding format is unsupported or unrecognized.")
	errInvalidPublicKey = apierror.New("InvalidPublicKey",
		"The request was rejected because the public key is malformed or otherwise invalid.")
)

// parseSSHPublicKey reads an RSA public key in OpenSSH ("ssh-rsa AAAA… comment")
// or PEM (PKIX or PKCS #1) encoding.
func parseSSHPublicKey(body string) (*rsa.PublicKey, error) {
	body = strings.TrimSpace(body)
	if strings.HasPrefix(body, "-----BEGIN") {
		block, _ := pem.Decode([]byte(body))
		if block == nil {
			return nil, errInvalidPublicKey
		}
		var pub any
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
		default:
			return nil, errUnrecognizedKeyEncoding
		}
		if err != nil {
			return nil, errInvalidPublicKey
		}
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, errUnrecognizedKeyEncoding
		}
		return k, nil
	}
	fields := strings.Fields(body)
	if len(fields) < 2 || fields[0] != "ssh-rsa" {
		return nil, errUnrecognizedKeyEncoding
	}
	wire, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return nil, errInvalidPublicKey
	}
	return parseSSHWireRSA(wire)
}

// parseSSHWireRSA reads the SSH wire format of an RSA key: string "ssh-rsa", mpint e, mpint n.
func parseSSHWireRSA(wire []byte) (*rsa.PublicKey, error) {
	var parts [][]byte
	for len(wire) > 0 && len(parts) < 3 {
		if len(wire) < 4 {
			return nil, errInvalidPublicKey
		}
		n := binary.BigEndian.Uint32(wire)
		if uint64(n) > uint64(len(wire)-4) {
			return nil, errInvalidPublicKey
		}
		parts, wire = append(parts, wire[4:4+n]), wire[4+n:]
	}
	if len(parts) != 3 || string(parts[0]) != "ssh-rsa" || len(wire) != 0 {
		return nil, errInvalidPublicKey
	}
	e := new(big.Int).SetBytes(parts[1])
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31 {
		return nil, errInvalidPublicKey
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(parts[2]), E: int(e.Int64())}, nil
}

// sshWire encodes an RSA key in the SSH wire format.
func sshWire(k *rsa.PublicKey) []byte {
	var out []byte
	put := func(b []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	mpint := func(v *big.Int) []byte {
		b := v.Bytes()
		if len(b) > 0 && b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	put([]byte("ssh-rsa"))
	put(mpint(big.NewInt(int64(k.E))))
	put(mpint(k.N))
	return out
}

// sshFingerprint is the MD5 fingerprint of a key, as colon-separated hex.
func sshFingerprint(k *rsa.PublicKey) string {
	sum := md5.Sum(sshWire(k))
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(hexes, ":")
}

func (k *SSHPublicKey) rsaKey() *rsa.PublicKey {
	return &rsa.PublicKey{N: new(big.Int).SetBytes(k.Modulus), E: k.Exponent}
}

// encoded renders the key in SSH or PEM encoding.
func (k *SSHPublicKey) encoded(enc types.EncodingType) string {
	pub := k.rsaKey()
	if enc == types.EncodingTypePem {
		der, _ := x509.MarshalPKIXPublicKey(pub)
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(sshWire(pub))
}

func noSuchSSHKey(id string) error {
	return apierror.New("NoSuchEntity", "The Public Key with id %s cannot be found.", id)
}

func loadSSHKey(c *api.Context, userName, id string) (*SSHPublicKey, error) {
	if _, err := requireUser(c, userName); err != nil {
		return nil, err
	}
	k, err := SSHPublicKeys.Get(c.Tx, c.GlobalScope(), id)
	if err != nil {
		return nil, err
	}
	if k == nil || !strings.EqualFold(aws.ToString(k.UserName), userName) {
		return nil, noSuchSSHKey(id)
	}
	return k, nil
}

func putSSHKey(c *api.Context, k *SSHPublicKey) error {
	return SSHPublicKeys.Put(c.Tx, c.GlobalScope(), aws.ToString(k.SSHPublicKeyId),
		store.Index{Parent: nameKey(aws.ToString(k.UserName)), Attr: aws.ToString(k.Fingerprint)}, k)
}

func uploadSSHPublicKey(c *api.Context, in *iam.UploadSSHPublicKeyInput) (*iam.UploadSSHPublicKeyOutput, error) {
	u, err := requireUser(c, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	pub, err := parseSSHPublicKey(aws.ToString(in.SSHPublicKeyBody))
	if err != nil {
		return nil, err
	}
	if pub.N.BitLen() < minSSHKeyBits {
		return nil, errInvalidPublicKey
	}
	userKey := nameKey(aws.ToString(u.UserName))
	fp := sshFingerprint(pub)
	if dup, err := SSHPublicKeys.Count(c.Tx, c.GlobalScope(), store.Query{Parent: userKey, Attr: fp}); err != nil {
		return nil, err
	} else if dup > 0 {
		return nil, apierror.New("DuplicateSSHPublicKey", "The request was rejected because the SSH public key is already associated with the specified IAM user.")
	}
	if n, err := SSHPublicKeys.Count(c.Tx, c.GlobalScope(), store.Query{Parent: userKey}); err != nil {
		return nil, err
	} else if n >= maxSSHKeysPerUser {
		return nil, apierror.New("LimitExceeded", "Cannot exceed quota for PublicKeysPerUser: %d", maxSSHKeysPerUser)
	}
	k := &SSHPublicKey{Modulus: pub.N.Bytes(), Exponent: pub.E}
	k.UserName, k.SSHPublicKeyId, k.Fingerprint = u.UserName, aws.String("APKA"+api.RandomString(upperAlnumDigits, 16)), aws.String(fp)
	k.Status, k.UploadDate = types.StatusTypeActive, aws.Time(c.Now().UTC().Truncate(time.Second))
	k.SSHPublicKeyBody = aws.String(k.encoded(types.EncodingTypeSsh))
	if err := putSSHKey(c, k); err != nil {
		return nil, err
	}
	out := k.SSHPublicKey
	return &iam.UploadSSHPublicKeyOutput{SSHPublicKey: &out}, nil
}

func getSSHPublicKey(c *api.Context, in *iam.GetSSHPublicKeyInput) (*iam.GetSSHPublicKeyOutput, error) {
	k, err := loadSSHKey(c, aws.ToString(in.UserName), aws.ToString(in.SSHPublicKeyId))
	if err != nil {
		return nil, err
	}
	out := k.SSHPublicKey
	out.SSHPublicKeyBody = aws.String(k.encoded(in.Encoding))
	return &iam.GetSSHPublicKeyOutput{SSHPublicKey: &out}, nil
}

func updateSSHPublicKey(c *api.Context, in *iam.UpdateSSHPublicKeyInput) (*iam.UpdateSSHPublicKeyOutput, error) {
	k, err := loadSSHKey(c, aws.ToString(in.UserName), aws.ToString(in.SSHPublicKeyId))
	if err != nil {
		return nil, err
	}
	k.Status = in.Status
	return &iam.UpdateSSHPublicKeyOutput{}, putSSHKey(c, k)
}

func deleteSSHPublicKey(c *api.Context, in *iam.DeleteSSHPublicKeyInput) (*iam.DeleteSSHPublicKeyOutput, error) {
	k, err := loadSSHKey(c, aws.ToString(in.UserName), aws.ToString(in.SSHPublicKeyId))
	if err != nil {
		return nil, err
	}
	_, err = SSHPublicKeys.Delete(c.Tx, c.GlobalScope(), aws.ToString(k.SSHPublicKeyId))
	return &iam.DeleteSSHPublicKeyOutput{}, err
}

func listSSHPublicKeys(c *api.Context, in *iam.ListSSHPublicKeysInput) (*iam.ListSSHPublicKeysOutput, error) {
	userName := targetUserName(c, in.UserName)
	keys := []types.SSHPublicKeyMetadata{}
	if userName != "" {
		if _, err := requireUser(c, userName); err != nil {
			return nil, err
		}
		items, err := SSHPublicKeys.List(c.Tx, c.GlobalScope(), store.Query{Parent: nameKey(userName)})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			keys = append(keys, types.SSHPublicKeyMetadata{SSHPublicKeyId: it.Doc.SSHPublicKeyId, Status: it.Doc.Status,
				UploadDate: it.Doc.UploadDate, UserName: it.Doc.UserName})
		}
	}
	page, next, truncated, err := pageByMarker("iam:ListSSHPublicKeys:"+nameKey(userName), keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListSSHPublicKeysOutput{SSHPublicKeys: page, Marker: next, IsTruncated: truncated}, nil
}
