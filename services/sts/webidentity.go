package sts

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/iam/policy"
)

// oauthProviders are the OAuth 2.0 providers whose access tokens
// AssumeRoleWithWebIdentity takes with a ProviderId.
var oauthProviders = map[string]bool{"www.amazon.com": true, "graph.facebook.com": true}

// jwtClaims are the claims of an OpenID Connect ID token.
type jwtClaims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	Audience  audienceClaim   `json:"aud"`
	AZP       string          `json:"azp"`
	Expires   *float64        `json:"exp"`
	NotBefore *float64        `json:"nbf"`
	AMR       json.RawMessage `json:"amr"`
	// All holds every claim, for the provider:claim condition keys.
	All map[string]any `json:"-"`
	// Alg, SigningInput and Signature let a token whose keys Longshore holds be verified.
	Alg          string `json:"-"`
	SigningInput string `json:"-"`
	Signature    []byte `json:"-"`
}

// audienceClaim is "aud", a string or a list of strings.
type audienceClaim []string

func (a *audienceClaim) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

func invalidIdentityToken(format string, args ...any) error {
	return apierror.New("InvalidIdentityToken", format, args...)
}

// decodeJWTSegment decodes one base64url segment, padded or not.
func decodeJWTSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// parseJWT reads a JWT's claims. It does not verify the signature: that needs
// the issuer's keys (see verifyLongshoreToken).
func parseJWT(token string) (*jwtClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, invalidIdentityToken("The web identity token is not a valid JSON Web Token.")
	}
	header, err := decodeJWTSegment(parts[0])
	var h struct{ Alg string }
	if err != nil || json.Unmarshal(header, &h) != nil {
		return nil, invalidIdentityToken("The web identity token is not a valid JSON Web Token.")
	}
	payload, err := decodeJWTSegment(parts[1])
	if err != nil {
		return nil, invalidIdentityToken("The web identity token is not a valid JSON Web Token.")
	}
	var cl jwtClaims
	if err := json.Unmarshal(payload, &cl); err != nil || json.Unmarshal(payload, &cl.All) != nil {
		return nil, invalidIdentityToken("The web identity token is not a valid JSON Web Token.")
	}
	if cl.Issuer == "" {
		return nil, invalidIdentityToken("The web identity token has no issuer (iss) claim.")
	}
	cl.Alg, cl.SigningInput = h.Alg, parts[0]+"."+parts[1]
	cl.Signature, _ = decodeJWTSegment(parts[2])
	return &cl, nil
}

// webIdentityContext builds the condition keys of a web identity request: the
// provider's aud, sub and amr keys (and its other string claims), and aws:FederatedProvider.
func webIdentityContext(providerURL, providerArn, aud string, cl *jwtClaims) policy.Context {
	ctx := policy.Context{}
	for k, v := range cl.All {
		if s, ok := v.(string); ok {
			ctx.Set(providerURL+":"+k, s)
		}
	}
	ctx.Set(providerURL+":aud", aud)
	ctx.Set(providerURL+":sub", cl.Subject)
	var amr []string
	if json.Unmarshal(cl.AMR, &amr) == nil && len(amr) > 0 {
		ctx.Set(providerURL+":amr", amr...)
	}
	ctx.Set("aws:FederatedProvider", providerArn)
	return ctx
}

func assumeRoleWithWebIdentity(c *api.Context, in *sts.AssumeRoleWithWebIdentityInput) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	roleArn := aws.ToString(in.RoleArn)
	m := roleArnRE.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, apierror.New("ValidationError", "%s is invalid", roleArn)
	}
	account := m[1]
	if oauthProviders[aws.ToString(in.ProviderId)] {
		// Their access tokens are opaque and verified only by the provider itself.
		return nil, apierror.New("IDPCommunicationError", "The request could not be fulfilled because the identity provider %s could not be reached.", aws.ToString(in.ProviderId))
	}
	cl, err := parseJWT(aws.ToString(in.WebIdentityToken))
	if err != nil {
		return nil, err
	}
	now := c.Now().Unix()
	if cl.Expires != nil && int64(*cl.Expires) <= now {
		return nil, apierror.New("ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", now, int64(*cl.Expires))
	}
	if cl.NotBefore != nil && int64(*cl.NotBefore) > now+300 {
		return nil, invalidIdentityToken("The web identity token is not yet valid.")
	}
	if err := verifyLongshoreToken(c, cl); err != nil {
		return nil, err
	}
	provider, err := iam.FindOIDCProvider(c.Tx, account, cl.Issuer)
	if err != nil {
		return nil, err
	}
	if provider == nil {
		return nil, invalidIdentityToken("No OpenIDConnect provider found in your account for %s", cl.Issuer)
	}
	// The token's audience (or authorized party) must be one of the provider's client ids.
	aud := ""
	for _, a := range append(slices.Clone([]string(cl.Audience)), cl.AZP) {
		if a != "" && slices.Contains(provider.ClientIDs, a) {
			aud = a
			break
		}
	}
	if aud == "" {
		return nil, invalidIdentityToken("Incorrect token audience")
	}
	r, err := assumeFederated(c, federatedAssumption{Action: "sts:AssumeRoleWithWebIdentity", RoleArn: roleArn,
		SessionName: aws.ToString(in.RoleSessionName), Duration: in.DurationSeconds, Provider: provider.Arn,
		Context: webIdentityContext(provider.URL, provider.Arn, aud, cl), Policy: in.Policy, PolicyArns: len(in.PolicyArns)})
	if err != nil {
		return nil, err
	}
	return &sts.AssumeRoleWithWebIdentityOutput{Credentials: r.Credentials, AssumedRoleUser: r.User, PackedPolicySize: r.PackedSize,
		SubjectFromWebIdentityToken: aws.String(cl.Subject), Audience: aws.String(aud), Provider: aws.String(provider.Arn)}, nil
}

// verifyLongshoreToken checks the signature of a token that Longshore's own
// outbound federation issued (GetWebIdentityToken). Other issuers publish their
// keys at JWKS endpoints that Longshore does not reach, so their tokens are
// taken as signed.
func verifyLongshoreToken(c *api.Context, cl *jwtClaims) error {
	fed, err := iam.OutboundFederationByIssuer(c.Tx, cl.Issuer)
	if err != nil || fed == nil {
		return err
	}
	ok, err := verifyJWT(fed, cl.Alg, cl.SigningInput, cl.Signature)
	if err != nil {
		return err
	}
	if !ok {
		return invalidIdentityToken("The web identity token's signature is not valid.")
	}
	return nil
}
