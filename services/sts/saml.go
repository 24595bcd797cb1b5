package sts

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/iam/policy"
)

// SAML attribute names AWS reads from an assertion.
const (
	samlRoleAttr            = "https://aws.amazon.com/SAML/Attributes/Role"
	samlSessionNameAttr     = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlSessionDurationAttr = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlNameIDFormatPrefix  = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
)

// samlAudiences are the recipients an assertion for AWS names.
var samlAudiences = []string{"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"}

// samlResponse is the part of a SAML 2.0 Response that AWS reads.
type samlResponse struct {
	XMLName   xml.Name `xml:"Response"`
	Issuer    string   `xml:"Issuer"`
	Assertion struct {
		Issuer  string `xml:"Issuer"`
		Subject struct {
			NameID struct {
				Format string `xml:"Format,attr"`
				Value  string `xml:",chardata"`
			} `xml:"NameID"`
		} `xml:"Subject"`
		Conditions struct {
			NotBefore    string   `xml:"NotBefore,attr"`
			NotOnOrAfter string   `xml:"NotOnOrAfter,attr"`
			Audiences    []string `xml:"AudienceRestriction>Audience"`
		} `xml:"Conditions"`
		Attributes []struct {
			Name   string   `xml:"Name,attr"`
			Values []string `xml:"AttributeValue"`
		} `xml:"AttributeStatement>Attribute"`
		// SessionNotOnOrAfter ends the IdP session, and so the role session.
		AuthnStatement struct {
			SessionNotOnOrAfter string `xml:"SessionNotOnOrAfter,attr"`
		} `xml:"AuthnStatement"`
	} `xml:"Assertion"`
}

func (r *samlResponse) attribute(name string) []string {
	for _, a := range r.Assertion.Attributes {
		if a.Name == name {
			out := make([]string, 0, len(a.Values))
			for _, v := range a.Values {
				out = append(out, strings.TrimSpace(v))
			}
			return out
		}
	}
	return nil
}

func (r *samlResponse) issuer() string {
	if iss := strings.TrimSpace(r.Assertion.Issuer); iss != "" {
		return iss
	}
	return strings.TrimSpace(r.Issuer)
}

// SAML 2.0 namespaces.
const (
	nsSAMLProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsSAMLAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
)

// parseSAMLResponse decodes a base64 SAML response, returning it with its XML.
func parseSAMLResponse(b64 string) (*samlResponse, []byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, nil, invalidIdentityToken("Invalid base64 SAML response")
	}
	var r samlResponse
	if err := xml.Unmarshal(raw, &r); err != nil || r.issuer() == "" {
		return nil, nil, invalidIdentityToken("Invalid SAML response: it is not a SAML 2.0 Response with an Issuer")
	}
	return &r, raw, nil
}

// verifySAMLSignature checks that the identity provider signed the response,
// or the one assertion in it, with a certificate from its metadata. A response
// must hold exactly one assertion, so that what is read is what was signed.
func verifySAMLSignature(raw []byte, certs []*x509.Certificate) error {
	root, err := parseXMLTree(raw)
	if err != nil || !root.is(nsSAMLProtocol, "Response") {
		return invalidIdentityToken("Invalid SAML response: it is not a SAML 2.0 Response")
	}
	var assertions []*xmlNode
	for _, e := range root.elements() {
		if e.local == "Assertion" || e.local == "EncryptedAssertion" {
			assertions = append(assertions, e)
		}
	}
	if len(assertions) != 1 || !assertions[0].is(nsSAMLAssertion, "Assertion") {
		return invalidIdentityToken("Invalid SAML response: it must hold exactly one unencrypted Assertion")
	}
	signed := assertions[0]
	if root.child(nsDSig, "Signature") != nil {
		signed = root
	}
	if signed.child(nsDSig, "Signature") == nil {
		return invalidIdentityToken("The SAML response is not signed: the identity provider must sign the response or its assertion")
	}
	if err := verifyEnvelopedSignature(signed, certs); err != nil {
		return invalidIdentityToken("The SAML response signature is not valid for the identity provider's signing certificates")
	}
	return nil
}

// samlSubjectType shortens a NameID format as AWS reports it.
func samlSubjectType(format string) string {
	if format == "" {
		return "unspecified"
	}
	return strings.TrimPrefix(format, samlNameIDFormatPrefix)
}

// samlNameQualifier is AWS's hash of issuer, account and provider name.
func samlNameQualifier(issuer, account, providerName string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// roleGranted reports whether the Role attribute pairs roleArn with providerArn
// (each value is "role,provider" in either order).
func roleGranted(values []string, roleArn, providerArn string) bool {
	for _, v := range values {
		a, b, ok := strings.Cut(v, ",")
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if ok && ((a == roleArn && b == providerArn) || (a == providerArn && b == roleArn)) {
			return true
		}
	}
	return false
}

func assumeRoleWithSAML(c *api.Context, in *sts.AssumeRoleWithSAMLInput) (*sts.AssumeRoleWithSAMLOutput, error) {
	roleArn, principalArn := aws.ToString(in.RoleArn), aws.ToString(in.PrincipalArn)
	m := roleArnRE.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, apierror.New("ValidationError", "%s is invalid", roleArn)
	}
	account := m[1]
	resp, raw, err := parseSAMLResponse(aws.ToString(in.SAMLAssertion))
	if err != nil {
		return nil, err
	}
	provider, err := iam.GetSAMLProviderByARN(c.Tx, account, principalArn)
	if err != nil {
		return nil, err
	}
	if provider == nil {
		return nil, invalidIdentityToken("SAML provider %s does not exist in account %s", principalArn, account)
	}
	if provider.AssertionEncryptionMode == iamtypes.AssertionEncryptionModeTypeRequired {
		// Longshore does not decrypt assertions, and this provider accepts no others.
		return nil, invalidIdentityToken("SAML provider %s requires encrypted assertions, which Longshore does not decrypt", principalArn)
	}
	if err := verifySAMLSignature(raw, provider.SigningCertificates()); err != nil {
		return nil, err
	}
	issuer := resp.issuer()
	if issuer != provider.EntityID {
		return nil, invalidIdentityToken("Issuer %s of the SAML response does not match the entity id %s of the SAML provider", issuer, provider.EntityID)
	}
	now := c.Now()
	cond := resp.Assertion.Conditions
	if cond.NotOnOrAfter != "" {
		t, err := time.Parse(time.RFC3339, cond.NotOnOrAfter)
		if err != nil || !now.Before(t) {
			return nil, apierror.New("ExpiredTokenException", "Token is expired: the SAML assertion was valid until %s", cond.NotOnOrAfter)
		}
	}
	if cond.NotBefore != "" {
		if t, err := time.Parse(time.RFC3339, cond.NotBefore); err != nil || now.Add(5*time.Minute).Before(t) {
			return nil, invalidIdentityToken("The SAML assertion is not yet valid: NotBefore is %s", cond.NotBefore)
		}
	}
	audience := ""
	for _, a := range cond.Audiences {
		for _, want := range samlAudiences {
			if strings.TrimSpace(a) == want {
				audience = want
			}
		}
	}
	if audience == "" {
		return nil, invalidIdentityToken("The SAML assertion's audience must be %s", samlAudiences[0])
	}
	if !roleGranted(resp.attribute(samlRoleAttr), roleArn, principalArn) {
		return nil, invalidIdentityToken("The SAML assertion's Role attribute does not grant role %s with provider %s", roleArn, principalArn)
	}
	session := resp.attribute(samlSessionNameAttr)
	if len(session) == 0 || !sessionNameRE.MatchString(session[0]) {
		return nil, invalidIdentityToken("The SAML assertion needs a RoleSessionName attribute of 2 to 64 characters [\\w+=,.@-]")
	}
	duration := in.DurationSeconds
	if d := resp.attribute(samlSessionDurationAttr); len(d) > 0 && duration == nil {
		n, err := strconv.Atoi(d[0])
		if err != nil || n < 900 || n > 43200 {
			return nil, invalidIdentityToken("The SAML assertion's SessionDuration attribute must be between 900 and 43200 seconds")
		}
		duration = aws.Int32(int32(n))
	}
	var until *time.Time
	if end := resp.Assertion.AuthnStatement.SessionNotOnOrAfter; end != "" {
		t, err := time.Parse(time.RFC3339, end)
		if err != nil {
			return nil, invalidIdentityToken("The SAML assertion's SessionNotOnOrAfter %s is not a valid time", end)
		}
		if !now.Before(t) {
			return nil, apierror.New("ExpiredTokenException", "Token is expired: the SAML session ended at %s", end)
		}
		until = &t
	}
	nameID := resp.Assertion.Subject.NameID
	qualifier := samlNameQualifier(issuer, account, provider.Name)
	ctx := policy.Context{}
	ctx.Set("saml:aud", audience)
	ctx.Set("saml:iss", issuer)
	ctx.Set("saml:sub", strings.TrimSpace(nameID.Value))
	ctx.Set("saml:sub_type", samlSubjectType(nameID.Format))
	ctx.Set("saml:namequalifier", qualifier)
	ctx.Set("saml:doc", account+"/"+provider.Name)
	ctx.Set("aws:FederatedProvider", provider.Arn)
	r, err := assumeFederated(c, federatedAssumption{Action: "sts:AssumeRoleWithSAML", RoleArn: roleArn, SessionName: session[0],
		Duration: duration, Until: until, Provider: provider.Arn, Context: ctx, Policy: in.Policy, PolicyArns: len(in.PolicyArns)})
	if err != nil {
		return nil, err
	}
	return &sts.AssumeRoleWithSAMLOutput{Credentials: r.Credentials, AssumedRoleUser: r.User, PackedPolicySize: r.PackedSize,
		Subject: aws.String(strings.TrimSpace(nameID.Value)), SubjectType: aws.String(samlSubjectType(nameID.Format)),
		Issuer: aws.String(issuer), Audience: aws.String(audience), NameQualifier: aws.String(qualifier)}, nil
}
