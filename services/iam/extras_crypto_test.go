package iam

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base32"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

func TestTOTPCode(t *testing.T) {
	// RFC 6238 appendix B, SHA-1 seed "12345678901234567890": the 8-digit codes'
	// last six digits.
	seed := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		got, err := totpCode(seed, unix/30)
		if err != nil || got != want {
			t.Errorf("T=%d: %s %v, want %s", unix, got, err, want)
		}
	}
	if _, err := totpCode("not base32!", 1); err == nil {
		t.Error("bad seed accepted")
	}
}

func TestMatchConsecutiveCodes(t *testing.T) {
	seed := newMFASeed()
	now := time.Unix(1_700_000_000, 0)
	step := now.Unix() / 30
	code := func(s int64) string { c, _ := totpCode(seed, s); return c }
	cases := []struct {
		name         string
		code1, code2 string
		window       int64
		wantStep     int64
		ok           bool
	}{
		{"current pair", code(step - 1), code(step), 10, step, true},
		{"next pair", code(step), code(step + 1), 10, step + 1, true},
		{"reversed", code(step), code(step - 1), 10, 0, false},
		{"outside window", code(step - 40), code(step - 39), 10, 0, false},
		{"drift within resync window", code(step - 40), code(step - 39), 100, step - 39, true},
	}
	for _, tc := range cases {
		got, ok := matchConsecutiveCodes(seed, tc.code1, tc.code2, now, tc.window)
		if ok != tc.ok || (ok && got != tc.wantStep) {
			t.Errorf("%s: step %d %v, want %d %v", tc.name, got, ok, tc.wantStep, tc.ok)
		}
	}
	if len(seed) != 64 {
		t.Errorf("seed length %d", len(seed))
	}
}

func TestParseSSHPublicKey(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	wire := sshWire(&k.PublicKey)
	openssh := "ssh-rsa " + base64.StdEncoding.EncodeToString(wire) + " me@host"
	pkix, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	pkixPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}))
	pkcs1PEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}))
	cases := []struct {
		name, body, code string
	}{
		{"openssh", openssh, ""},
		{"openssh without comment", strings.Join(strings.Fields(openssh)[:2], " "), ""},
		{"PEM PKIX", pkixPEM, ""},
		{"PEM PKCS1", pkcs1PEM, ""},
		{"ed25519", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG", "UnrecognizedPublicKeyEncoding"},
		{"private key PEM", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "UnrecognizedPublicKeyEncoding"},
		{"bad base64", "ssh-rsa ***", "InvalidPublicKey"},
		{"truncated wire", "ssh-rsa " + base64.StdEncoding.EncodeToString(wire[:20]), "InvalidPublicKey"},
		{"garbage PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "InvalidPublicKey"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pub, err := parseSSHPublicKey(tc.body)
			if extrasErrCode(err) != tc.code {
				t.Fatalf("error %v, want %q", err, tc.code)
			}
			if err == nil && !pub.Equal(&k.PublicKey) {
				t.Fatal("parsed a different key")
			}
		})
	}
	if fp := sshFingerprint(&k.PublicKey); len(fp) != 47 || strings.Count(fp, ":") != 15 {
		t.Errorf("fingerprint %q", fp)
	}
}

func TestGrantedNamespaces(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"single statement object", `{"Statement":{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"*"}}`, "ecs"},
		{"action list and deny", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","SQS:SendMessage"]},{"Effect":"Deny","Action":"iam:*"}]}`, "s3,sqs"},
		{"wildcard prefix", `{"Statement":[{"Effect":"Allow","Action":"ec*:Describe*"}]}`, "ec2,ecr,ecs"},
		{"not action excludes whole services", `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"]}]}`, "!iam,!organizations,ecs"},
		{"malformed", `{"Statement":`, ""},
		{"no colon", `{"Statement":[{"Effect":"Allow","Action":"ecs"}]}`, ""},
	}
	for _, tc := range cases {
		got := grantedNamespaces(tc.doc)
		joined := strings.Join(got, ",")
		if !strings.Contains(tc.want, "!") {
			if joined != tc.want {
				t.Errorf("%s: %s, want %s", tc.name, joined, tc.want)
			}
			continue
		}
		for _, w := range strings.Split(tc.want, ",") {
			if neg, ok := strings.CutPrefix(w, "!"); ok {
				if strings.Contains(","+joined+",", ","+neg+",") {
					t.Errorf("%s: %s should not include %s", tc.name, joined, neg)
				}
			} else if !strings.Contains(","+joined+",", ","+w+",") {
				t.Errorf("%s: %s should include %s", tc.name, joined, w)
			}
		}
	}
	if len(grantedNamespaces(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)) != len(serviceNames) {
		t.Error("* should grant every catalogued service")
	}
}

func TestParseSAMLMetadata(t *testing.T) {
	const ok = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp" validUntil="2030-01-01T00:00:00Z"><IDPSSODescriptor/></EntityDescriptor>`
	cases := []struct {
		name, doc string
		valid     bool
	}{
		{"idp", ok, true},
		{"no entity id", `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><IDPSSODescriptor/></EntityDescriptor>`, false},
		{"service provider only", `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><SPSSODescriptor/></EntityDescriptor>`, false},
		{"bad validUntil", strings.Replace(ok, "2030-01-01T00:00:00Z", "soon", 1), false},
		{"not XML", "{}", false},
	}
	for _, tc := range cases {
		md, err := parseSAMLMetadata(tc.doc)
		if (err == nil) != tc.valid {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err == nil && md.EntityID != "https://idp" {
			t.Errorf("%s: entity id %q", tc.name, md.EntityID)
		}
	}
}
