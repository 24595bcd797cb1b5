package sts

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
)

// The testdata documents were signed with xmlsec1, an independent XML Signature
// implementation, by the key of saml_idp_cert.pem (generated for these tests).
func loadTestCert(t *testing.T) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile("testdata/saml_idp_cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestVerifyEnvelopedSignature(t *testing.T) {
	cert := loadTestCert(t)
	cases := []struct {
		name, file        string
		signedIsAssertion bool
		edit              func(string) string
		ok                bool
	}{
		{"assertion signed (rsa-sha256, prefix list)", "saml_assertion_signed.xml", true, nil, true},
		{"response signed (rsa-sha1)", "saml_response_signed.xml", false, nil, true},
		{"assertion text changed", "saml_assertion_signed.xml", true, func(s string) string {
			return strings.Replace(s, "role/sso-admin", "role/sso-admim", 1)
		}, false},
		{"response text changed", "saml_response_signed.xml", false, func(s string) string {
			return strings.Replace(s, "alice@example.com", "mallory@example.com", 1)
		}, false},
		{"signature value changed", "saml_assertion_signed.xml", true, func(s string) string {
			i := strings.Index(s, "<ds:SignatureValue>") + len("<ds:SignatureValue>")
			c := "A"
			if s[i] == 'A' {
				c = "B"
			}
			return s[:i] + c + s[i+1:]
		}, false},
		{"reference to another element", "saml_assertion_signed.xml", true, func(s string) string {
			return strings.Replace(s, `URI="#_assert1"`, `URI="#_resp1"`, 1)
		}, false},
		{"no signature", "saml_unsigned.xml", true, nil, false},
		{"insignificant whitespace outside the signed element", "saml_assertion_signed.xml", true, func(s string) string {
			return strings.Replace(s, "<samlp:Status>", "\n\n  <samlp:Status>", 1)
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			doc := string(b)
			if tc.edit != nil {
				doc = tc.edit(doc)
			}
			root, err := parseXMLTree([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			signed := root
			if tc.signedIsAssertion {
				signed = root.child(nsSAMLAssertion, "Assertion")
			}
			err = verifyEnvelopedSignature(signed, []*x509.Certificate{cert})
			if (err == nil) != tc.ok {
				t.Fatalf("verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestExcC14N(t *testing.T) {
	doc := `<a:root xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d" z="1" b:y="2" a:x="3"><child>t&amp;&lt;&gt;"</child><b:e/><n xmlns="" q="a&#9;&quot;"/></a:root>`
	root, err := parseXMLTree([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := `<a:root xmlns:a="urn:a" xmlns:b="urn:b" z="1" a:x="3" b:y="2"><child xmlns="urn:d">t&amp;&lt;&gt;"</child><b:e></b:e><n q="a&#x9;&quot;"></n></a:root>`
	if got := string(excC14N(root, nil, nil)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// An inclusive prefix is declared where it is in scope even if unused.
	if got := string(excC14N(root.elements()[1], nil, []string{"a"})); got != `<b:e xmlns:a="urn:a" xmlns:b="urn:b"></b:e>` {
		t.Errorf("inclusive: %s", got)
	}
}
