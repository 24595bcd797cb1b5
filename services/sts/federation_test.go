package sts

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/longshore/longshore/protocol/apierror"
)

func fedErrCode(err error) string {
	if err == nil {
		return ""
	}
	return apierror.As(err).Code
}

func TestParseJWT(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	header := seg(`{"alg":"RS256"}`)
	cases := []struct {
		name, token, code, aud string
	}{
		{"aud string", header + "." + seg(`{"iss":"https://i","sub":"s","aud":"a"}`) + ".sig", "", "a"},
		{"aud list", header + "." + seg(`{"iss":"https://i","aud":["a","b"]}`) + ".sig", "", "a,b"},
		{"padded segments", header + "==." + seg(`{"iss":"https://i"}`) + "=.sig", "", ""},
		{"two parts", header + "." + seg(`{"iss":"x"}`), "InvalidIdentityToken", ""},
		{"payload not JSON", header + "." + seg(`nope`) + ".sig", "InvalidIdentityToken", ""},
		{"header not base64", "***." + seg(`{"iss":"x"}`) + ".sig", "InvalidIdentityToken", ""},
		{"no issuer", header + "." + seg(`{"sub":"s"}`) + ".sig", "InvalidIdentityToken", ""},
		{"aud of wrong type", header + "." + seg(`{"iss":"x","aud":5}`) + ".sig", "InvalidIdentityToken", ""},
	}
	for _, tc := range cases {
		cl, err := parseJWT(tc.token)
		if fedErrCode(err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
			continue
		}
		if err == nil && strings.Join(cl.Audience, ",") != tc.aud {
			t.Errorf("%s: aud %v", tc.name, cl.Audience)
		}
	}
}

func TestWebIdentityContext(t *testing.T) {
	cl, err := parseJWT(base64.RawURLEncoding.EncodeToString([]byte(`{}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://i","sub":"repo:a/b","aud":"x","repository":"a/b","amr":["mfa"],"n":5}`)) + ".s")
	if err != nil {
		t.Fatal(err)
	}
	ctx := webIdentityContext("i", "arn:aws:iam::1:oidc-provider/i", "x", cl)
	for key, want := range map[string]string{"i:sub": "repo:a/b", "i:aud": "x", "I:Repository": "a/b", "i:amr": "mfa", "aws:FederatedProvider": "arn:aws:iam::1:oidc-provider/i"} {
		if v, ok := ctx.Get(key); !ok || v[0] != want {
			t.Errorf("%s = %v, want %s", key, v, want)
		}
	}
	if _, ok := ctx.Get("i:n"); ok {
		t.Error("numeric claims are not condition keys")
	}
}

func TestSAMLHelpers(t *testing.T) {
	for format, want := range map[string]string{
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":    "transient",
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"": "unspecified",
	} {
		if got := samlSubjectType(format); got != want {
			t.Errorf("%q: %s, want %s", format, got, want)
		}
	}
	// AWS's documented example: BASE64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP")).
	if got := samlNameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP"); len(got) != 28 ||
		got != samlNameQualifier("https://example.com/saml", "123456789012", "MySAMLIdP") || got == samlNameQualifier("https://example.com/saml", "123456789012", "Other") {
		t.Errorf("name qualifier %q", got)
	}
	role, provider := "arn:aws:iam::1:role/r", "arn:aws:iam::1:saml-provider/p"
	cases := []struct {
		values []string
		want   bool
	}{
		{[]string{role + "," + provider}, true},
		{[]string{provider + ", " + role}, true},
		{[]string{"arn:aws:iam::1:role/other," + provider, role + "," + provider}, true},
		{[]string{role}, false},
		{[]string{role + ",arn:aws:iam::1:saml-provider/q"}, false},
	}
	for _, tc := range cases {
		if got := roleGranted(tc.values, role, provider); got != tc.want {
			t.Errorf("%v: %v", tc.values, got)
		}
	}
}

func TestAuthorizationMessageRoundTrip(t *testing.T) {
	msg := `{"allowed":false}`
	enc := EncodeAuthorizationMessage(msg)
	if got, ok := decodeAuthMessage(enc); !ok || got != msg {
		t.Fatalf("round trip: %q %v", got, ok)
	}
	for _, bad := range []string{"", "LS1.", "LS1.abc", enc[:len(enc)-2], strings.Replace(enc, "LS1.", "LS2.", 1)} {
		if _, ok := decodeAuthMessage(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestParseSAMLResponse(t *testing.T) {
	const resp = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
		`<saml:Issuer>https://idp</saml:Issuer><saml:Assertion><saml:Subject><saml:NameID Format="f">alice</saml:NameID></saml:Subject>` +
		`<saml:Conditions NotOnOrAfter="2030-01-01T00:00:00Z"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
		`<saml:AuthnStatement SessionNotOnOrAfter="2029-01-01T00:00:00Z"/>` +
		`<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue> a,b </saml:AttributeValue></saml:Attribute></saml:AttributeStatement>` +
		`</saml:Assertion></samlp:Response>`
	r, _, err := parseSAMLResponse(base64.StdEncoding.EncodeToString([]byte(resp)))
	if err != nil {
		t.Fatal(err)
	}
	a := r.Assertion
	if r.issuer() != "https://idp" || a.Subject.NameID.Value != "alice" || a.Subject.NameID.Format != "f" ||
		a.Conditions.NotOnOrAfter != "2030-01-01T00:00:00Z" || len(a.Conditions.Audiences) != 1 ||
		a.AuthnStatement.SessionNotOnOrAfter != "2029-01-01T00:00:00Z" || strings.Join(r.attribute(samlRoleAttr), "|") != "a,b" {
		t.Fatalf("parsed %+v", r)
	}
	for name, bad := range map[string]string{
		"not base64": "%%%",
		"not XML":    base64.StdEncoding.EncodeToString([]byte("hello")),
		"no issuer":  base64.StdEncoding.EncodeToString([]byte(`<Response><Assertion/></Response>`)),
	} {
		if _, _, err := parseSAMLResponse(bad); fedErrCode(err) != "InvalidIdentityToken" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
