package sts_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
	lsiam "github.com/longshore/longshore/services/iam"
	lssts "github.com/longshore/longshore/services/sts"
	"github.com/longshore/longshore/store"
)

// fedUnsigned is a client that sends requests without credentials, as the
// web identity and SAML calls are made.
func fedUnsigned(ls *longshoretest.Instance) *sts.Client {
	cfg := ls.Config.Copy()
	cfg.Credentials = aws.AnonymousCredentials{}
	return sts.NewFromConfig(cfg)
}

// fedJWT makes an unsigned-looking JWT (Longshore does not verify third-party signatures).
func fedJWT(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	p, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p) + "." + base64.RawURLEncoding.EncodeToString([]byte("signature"))
}

func fedCreateRole(t *testing.T, client *iam.Client, name, trust string, maxSession int32) string {
	t.Helper()
	in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if maxSession > 0 {
		in.MaxSessionDuration = aws.Int32(maxSession)
	}
	return aws.ToString(harness.Must(client.CreateRole(harness.Ctx, in))(t).Role.Arn)
}

const githubIssuer = "https://token.actions.githubusercontent.com"

func TestSTSAssumeRoleWithWebIdentity(t *testing.T) {
	ls := harness.Start(t)
	admin := iam.NewFromConfig(ls.Config)
	providerArn := aws.ToString(harness.Must(admin.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(githubIssuer), ClientIDList: []string{"sts.amazonaws.com"}}))(t).OpenIDConnectProviderArn)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + providerArn + `"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},` +
		`"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}]}`
	roleArn := fedCreateRole(t, admin, "deploy", trust, 7200)
	client := fedUnsigned(ls)
	now := time.Now()
	token := func(sub, aud string, exp time.Time) *string {
		return aws.String(fedJWT(map[string]any{"iss": githubIssuer, "sub": sub, "aud": aud, "exp": exp.Unix(), "iat": now.Unix()}))
	}

	out := harness.Must(client.AssumeRoleWithWebIdentity(harness.Ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleArn),
		RoleSessionName: aws.String("gha"), WebIdentityToken: token("repo:acme/app:ref:refs/heads/main", "sts.amazonaws.com", now.Add(time.Hour)),
		DurationSeconds: aws.Int32(7200)}))(t)
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::000000000000:assumed-role/deploy/gha" ||
		!regexp.MustCompile(`^AROA[A-Z0-9]+:gha$`).MatchString(aws.ToString(out.AssumedRoleUser.AssumedRoleId)) ||
		aws.ToString(out.SubjectFromWebIdentityToken) != "repo:acme/app:ref:refs/heads/main" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != providerArn {
		t.Fatalf("output %+v %+v", out, out.AssumedRoleUser)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("expiration in %v", d)
	}
	// The credentials act as the role session.
	cfg := ls.Config.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id := harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Errorf("caller %s", aws.ToString(id.Arn))
	}
	role := harness.Must(admin.GetRole(harness.Ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")}))(t).Role
	if role.RoleLastUsed == nil || role.RoleLastUsed.LastUsedDate == nil {
		t.Errorf("RoleLastUsed not recorded")
	}

	cases := []struct {
		name, code string
		in         *sts.AssumeRoleWithWebIdentityInput
	}{
		{"wrong audience", "InvalidIdentityToken", &sts.AssumeRoleWithWebIdentityInput{WebIdentityToken: token("repo:acme/app:x", "someone-else", now.Add(time.Hour))}},
		{"trust condition fails", "AccessDenied", &sts.AssumeRoleWithWebIdentityInput{WebIdentityToken: token("repo:evil/app:x", "sts.amazonaws.com", now.Add(time.Hour))}},
		{"expired", "ExpiredTokenException", &sts.AssumeRoleWithWebIdentityInput{WebIdentityToken: token("repo:acme/app:x", "sts.amazonaws.com", now.Add(-time.Minute))}},
		{"not a JWT", "InvalidIdentityToken", &sts.AssumeRoleWithWebIdentityInput{WebIdentityToken: aws.String("not-a-token")}},
		{"unknown issuer", "InvalidIdentityToken", &sts.AssumeRoleWithWebIdentityInput{WebIdentityToken: aws.String(fedJWT(map[string]any{
			"iss": "https://accounts.example.com", "sub": "x", "aud": "sts.amazonaws.com", "exp": now.Add(time.Hour).Unix()}))}},
		{"duration over the role's maximum", "ValidationError", &sts.AssumeRoleWithWebIdentityInput{DurationSeconds: aws.Int32(10800),
			WebIdentityToken: token("repo:acme/app:x", "sts.amazonaws.com", now.Add(time.Hour))}},
		{"OAuth 2.0 provider", "IDPCommunicationError", &sts.AssumeRoleWithWebIdentityInput{ProviderId: aws.String("graph.facebook.com"),
			WebIdentityToken: aws.String("opaque-access-token")}},
		{"missing role", "AccessDenied", &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/ghost"),
			WebIdentityToken: token("repo:acme/app:x", "sts.amazonaws.com", now.Add(time.Hour))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.RoleArn == nil {
				in.RoleArn = aws.String(roleArn)
			}
			in.RoleSessionName = aws.String("s1")
			_, err := client.AssumeRoleWithWebIdentity(harness.Ctx, in)
			harness.AssertAPIError(t, err, tc.code)
		})
	}
	_, err := client.AssumeRoleWithWebIdentity(harness.Ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleArn), RoleSessionName: aws.String("s2"),
		WebIdentityToken: aws.String(fedJWT(map[string]any{"iss": "https://accounts.example.com", "aud": "a", "sub": "b"}))})
	ae := harness.AssertAPIError(t, err, "InvalidIdentityToken")
	if ae.ErrorMessage() != "No OpenIDConnect provider found in your account for https://accounts.example.com" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	var typed *types.InvalidIdentityTokenException
	if !errors.As(err, &typed) {
		t.Errorf("SDK did not type the error: %T", err)
	}
}

// The SAML fixtures are responses for role sso-admin and provider Corp, valid
// from 2030-01-01T00:00Z to 01:00Z, signed with xmlsec1 by the key of
// saml_idp_cert.pem (both made for Longshore's tests).
const fedSAMLFixtures = "../../services/sts/testdata/"

func fedSAMLFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(fedSAMLFixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fedSAMLMetadata describes an IdP whose signing certificate is the fixtures'.
func fedSAMLMetadata(t *testing.T, entityID string) string {
	block, _ := pem.Decode([]byte(fedSAMLFixture(t, "saml_idp_cert.pem")))
	return `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + entityID + `">` +
		`<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">` +
		`<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + base64.StdEncoding.EncodeToString(block.Bytes) +
		`</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>` +
		`</md:IDPSSODescriptor></md:EntityDescriptor>`
}

func TestSTSAssumeRoleWithSAML(t *testing.T) {
	ls := harness.Start(t)
	// The fixtures are valid for an hour in 2030: run the store's clock there.
	var clock atomic.Pointer[time.Time]
	setClock := func(s string) {
		at, _ := time.Parse(time.RFC3339, s)
		clock.Store(&at)
	}
	setClock("2030-01-01T00:30:00Z")
	ls.Server.Store.Now = func() time.Time { return *clock.Load() }

	admin := iam.NewFromConfig(ls.Config)
	const issuer = "https://idp.example.com/metadata"
	providerArn := aws.ToString(harness.Must(admin.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Corp"),
		SAMLMetadataDocument: aws.String(fedSAMLMetadata(t, issuer))}))(t).SAMLProviderArn)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + providerArn + `"},` +
		`"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`
	roleArn := fedCreateRole(t, admin, "sso-admin", trust, 0)
	otherRole := fedCreateRole(t, admin, "other", trust, 0)
	otherProvider := aws.ToString(harness.Must(admin.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Other"),
		SAMLMetadataDocument: aws.String(fedSAMLMetadata(t, "https://other.example.com/metadata"))}))(t).SAMLProviderArn)
	client := fedUnsigned(ls)
	assume := func(role, principal, fixture string) (*sts.AssumeRoleWithSAMLOutput, error) {
		return client.AssumeRoleWithSAML(harness.Ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(role),
			PrincipalArn: aws.String(principal), SAMLAssertion: aws.String(base64.StdEncoding.EncodeToString([]byte(fedSAMLFixture(t, fixture))))})
	}

	// Signed assertion, and signed response.
	for _, fixture := range []string{"saml_assertion_signed.xml", "saml_response_signed.xml"} {
		out := harness.Must(assume(roleArn, providerArn, fixture))(t)
		if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::000000000000:assumed-role/sso-admin/alice" ||
			aws.ToString(out.Subject) != "alice@example.com" || aws.ToString(out.SubjectType) != "persistent" ||
			aws.ToString(out.Issuer) != issuer || aws.ToString(out.Audience) != "https://signin.aws.amazon.com/saml" {
			t.Fatalf("%s: output %+v", fixture, out)
		}
		if want := sha1Sum(issuer + "000000000000" + "/Corp"); aws.ToString(out.NameQualifier) != want {
			t.Errorf("NameQualifier %q, want %q", aws.ToString(out.NameQualifier), want)
		}
		if d := out.Credentials.Expiration.Sub(*clock.Load()); d != time.Hour {
			t.Errorf("session lasts %v, want the default hour", d)
		}
	}
	// The IdP session's end bounds the role session.
	short := harness.Must(assume(roleArn, providerArn, "saml_session_end_signed.xml"))(t)
	if d := short.Credentials.Expiration.Sub(*clock.Load()); d != 20*time.Minute {
		t.Errorf("session bounded by SessionNotOnOrAfter lasts %v", d)
	}

	tampered := strings.Replace(fedSAMLFixture(t, "saml_assertion_signed.xml"), "alice@example.com", "mallory@example.com", 1)
	_, err := client.AssumeRoleWithSAML(harness.Ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleArn),
		PrincipalArn: aws.String(providerArn), SAMLAssertion: aws.String(base64.StdEncoding.EncodeToString([]byte(tampered)))})
	if ae := harness.AssertAPIError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "signature is not valid") {
		t.Errorf("tampered: %q", ae.ErrorMessage())
	}
	_, err = assume(roleArn, providerArn, "saml_unsigned.xml")
	if ae := harness.AssertAPIError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "not signed") {
		t.Errorf("unsigned: %q", ae.ErrorMessage())
	}
	cases := []struct{ name, role, principal, fixture, code string }{
		{"issuer is not the provider's entity id", roleArn, otherProvider, "saml_assertion_signed.xml", "InvalidIdentityToken"},
		{"wrong audience", roleArn, providerArn, "saml_wrong_audience_signed.xml", "InvalidIdentityToken"},
		{"role not granted by the assertion", otherRole, providerArn, "saml_assertion_signed.xml", "InvalidIdentityToken"},
		{"unknown provider", roleArn, "arn:aws:iam::000000000000:saml-provider/Nope", "saml_assertion_signed.xml", "InvalidIdentityToken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := assume(tc.role, tc.principal, tc.fixture)
			harness.AssertAPIError(t, err, tc.code)
		})
	}
	_, err = client.AssumeRoleWithSAML(harness.Ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleArn),
		PrincipalArn: aws.String(providerArn), SAMLAssertion: aws.String("%%%not-base64%%%")})
	harness.AssertAPIError(t, err, "InvalidIdentityToken")

	setClock("2030-01-01T01:00:00Z")
	_, err = assume(roleArn, providerArn, "saml_assertion_signed.xml")
	harness.AssertAPIError(t, err, "ExpiredTokenException")

	// A provider that requires encrypted assertions refuses plain ones.
	setClock("2030-01-01T00:30:00Z")
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	harness.Must(admin.UpdateSAMLProvider(harness.Ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(providerArn),
		AssertionEncryptionMode: iamtypes.AssertionEncryptionModeTypeRequired,
		AddPrivateKey:           aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))}))(t)
	_, err = assume(roleArn, providerArn, "saml_assertion_signed.xml")
	if ae := harness.AssertAPIError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "encrypted") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func sha1Sum(s string) string {
	sum := sha1.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestSTSGetFederationToken(t *testing.T) {
	ls := harness.Start(t)
	client := sts.NewFromConfig(ls.Config)
	out := harness.Must(client.GetFederationToken(harness.Ctx, &sts.GetFederationTokenInput{Name: aws.String("bob"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}))(t)
	if aws.ToString(out.FederatedUser.Arn) != "arn:aws:sts::000000000000:federated-user/bob" || aws.ToString(out.FederatedUser.FederatedUserId) != "000000000000:bob" ||
		out.PackedPolicySize == nil {
		t.Fatalf("output %+v", out.FederatedUser)
	}
	// The root user's federation tokens last at most an hour.
	if d := time.Until(*out.Credentials.Expiration); d > 61*time.Minute {
		t.Errorf("root federation token lasts %v", d)
	}
	cfg := ls.Config.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id := harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) != "arn:aws:sts::000000000000:federated-user/bob" || aws.ToString(id.UserId) != "000000000000:bob" {
		t.Errorf("caller %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	// Session credentials cannot get a federation token.
	_, err := sts.NewFromConfig(cfg).GetFederationToken(harness.Ctx, &sts.GetFederationTokenInput{Name: aws.String("again")})
	harness.AssertAPIError(t, err, "AccessDenied")

	// An IAM user's tokens last 12 hours by default.
	admin := iam.NewFromConfig(ls.Config)
	harness.Must(admin.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("fed")}))(t)
	key := harness.Must(admin.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("fed")}))(t).AccessKey
	ucfg := ls.Config.Copy()
	ucfg.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKeyId, *key.SecretAccessKey, "")
	uout := harness.Must(sts.NewFromConfig(ucfg).GetFederationToken(harness.Ctx, &sts.GetFederationTokenInput{Name: aws.String("carol")}))(t)
	if d := time.Until(*uout.Credentials.Expiration); d < 11*time.Hour || d > 13*time.Hour {
		t.Errorf("user federation token lasts %v", d)
	}

	_, err = client.GetFederationToken(harness.Ctx, &sts.GetFederationTokenInput{Name: aws.String("x")})
	harness.AssertAPIError(t, err, "ValidationError") // names are 2 to 32 characters
}

func TestSTSDecodeAuthorizationMessage(t *testing.T) {
	ls := harness.Start(t)
	client := sts.NewFromConfig(ls.Config)
	decoded := `{"allowed":false,"explicitDeny":false,"context":{"action":"ecs:RunTask"}}`
	out := harness.Must(client.DecodeAuthorizationMessage(harness.Ctx, &sts.DecodeAuthorizationMessageInput{
		EncodedMessage: aws.String(lssts.EncodeAuthorizationMessage(decoded))}))(t)
	if aws.ToString(out.DecodedMessage) != decoded {
		t.Fatalf("decoded %q", aws.ToString(out.DecodedMessage))
	}
	for _, bad := range []string{"garbage", lssts.EncodeAuthorizationMessage(decoded) + "x"} {
		_, err := client.DecodeAuthorizationMessage(harness.Ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(bad)})
		harness.AssertAPIError(t, err, "InvalidAuthorizationMessageException")
	}
}

func TestSTSAssumeRootStandaloneAccount(t *testing.T) {
	ls := harness.Start(t)
	client := sts.NewFromConfig(ls.Config)
	_, err := client.AssumeRoot(harness.Ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("111122223333"),
		TaskPolicyArn: &types.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}})
	harness.AssertAPIError(t, err, "ValidationError")
	_, err = client.AssumeRoot(harness.Ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("111122223333"),
		TaskPolicyArn: &types.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")}})
	ae := harness.AssertAPIError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "root user credentials") {
		t.Errorf("root caller message %q", ae.ErrorMessage())
	}
	if st := harness.Status(err); st != 403 {
		t.Errorf("AccessDenied status %d", st)
	}
	// An IAM user is refused too: there is no organization to enable root sessions in.
	admin := iam.NewFromConfig(ls.Config)
	harness.Must(admin.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("ops")}))(t)
	key := harness.Must(admin.CreateAccessKey(harness.Ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ops")}))(t).AccessKey
	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*key.AccessKeyId, *key.SecretAccessKey, "")
	_, err = sts.NewFromConfig(cfg).AssumeRoot(harness.Ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String("111122223333"),
		TaskPolicyArn: &types.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy")}})
	ae = harness.AssertAPIError(t, err, "AccessDenied")
	if !strings.Contains(ae.ErrorMessage(), "not a member of an organization") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}

func TestSTSGetWebIdentityToken(t *testing.T) {
	ls := harness.Start(t)
	client := sts.NewFromConfig(ls.Config)
	_, err := client.GetWebIdentityToken(harness.Ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"}, SigningAlgorithm: aws.String("RS256")})
	harness.AssertAPIError(t, err, "OutboundWebIdentityFederationDisabledException")

	issuer := aws.ToString(harness.Must(iam.NewFromConfig(ls.Config).EnableOutboundWebIdentityFederation(harness.Ctx,
		&iam.EnableOutboundWebIdentityFederationInput{}))(t).IssuerIdentifier)
	var fed *lsiam.OutboundFederation
	if err := ls.Server.Store.Read(harness.Ctx, func(tx *store.Tx) (err error) {
		fed, err = lsiam.OutboundFederationOf(tx, "000000000000")
		return err
	}); err != nil || fed == nil {
		t.Fatalf("federation: %v", err)
	}
	rk, ek, err := fed.SigningKeys()
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"RS256", "ES384"} {
		t.Run(alg, func(t *testing.T) {
			out := harness.Must(client.GetWebIdentityToken(harness.Ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"},
				SigningAlgorithm: aws.String(alg), DurationSeconds: aws.Int32(600), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}}))(t)
			if d := time.Until(*out.Expiration); d < 9*time.Minute || d > 11*time.Minute {
				t.Errorf("expires in %v", d)
			}
			parts := strings.Split(aws.ToString(out.WebIdentityToken), ".")
			if len(parts) != 3 {
				t.Fatalf("token %q", aws.ToString(out.WebIdentityToken))
			}
			var claims map[string]any
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			if err := json.Unmarshal(payload, &claims); err != nil {
				t.Fatal(err)
			}
			if claims["iss"] != issuer || claims["sub"] != "arn:aws:iam::000000000000:root" || claims["aud"] != "https://api.example.com" {
				t.Errorf("claims %v", claims)
			}
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			signed := []byte(parts[0] + "." + parts[1])
			if alg == "RS256" {
				h := sha256.Sum256(signed)
				if err := rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, h[:], sig); err != nil {
					t.Errorf("RS256 signature: %v", err)
				}
			} else {
				h := sha512.Sum384(signed)
				r, s := new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:])
				if !ecdsa.Verify(&ek.PublicKey, h[:], r, s) {
					t.Errorf("ES384 signature does not verify")
				}
			}
		})
	}
	_, err = client.GetWebIdentityToken(harness.Ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("HS256")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestSTSGetDelegatedAccessToken(t *testing.T) {
	ls := harness.Start(t)
	partner := iam.NewFromConfig(ls.Config)
	ownerCfg := ls.Config.Copy()
	ownerCfg.Credentials = credentials.NewStaticCredentialsProvider("444455556666", "x", "")
	owner := iam.NewFromConfig(ownerCfg)
	client := sts.NewFromConfig(ls.Config)

	_, err := client.GetDelegatedAccessToken(harness.Ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String("dt-unknown")})
	harness.AssertAPIError(t, err, "ExpiredTradeInTokenException")

	id := harness.Must(partner.CreateDelegationRequest(harness.Ctx, &iam.CreateDelegationRequestInput{OwnerAccountId: aws.String("444455556666"),
		Description: aws.String("support access"), Permissions: &iamtypes.DelegationPermission{PolicyTemplateArn: aws.String("arn:aws:iam::aws:delegation-template/Support")},
		RequestorWorkflowId: aws.String("ticket-1"), NotificationChannel: aws.String("arn:aws:sns:us-east-1:000000000000:t"), SessionDuration: aws.Int32(1800)}))(t).DelegationRequestId
	harness.Must(owner.AssociateDelegationRequest(harness.Ctx, &iam.AssociateDelegationRequestInput{DelegationRequestId: id}))(t)
	harness.Must(owner.AcceptDelegationRequest(harness.Ctx, &iam.AcceptDelegationRequestInput{DelegationRequestId: id}))(t)
	harness.Must(owner.SendDelegationToken(harness.Ctx, &iam.SendDelegationTokenInput{DelegationRequestId: id}))(t)

	// AWS sends the token over the partner's SNS topic; read it from the store.
	var token string
	if err := ls.Server.Store.Read(harness.Ctx, func(tx *store.Tx) (err error) {
		token, err = lsiam.DelegationTradeInToken(tx, aws.ToString(id))
		return err
	}); err != nil || token == "" {
		t.Fatalf("token %q: %v", token, err)
	}
	out := harness.Must(client.GetDelegatedAccessToken(harness.Ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String(token)}))(t)
	if aws.ToString(out.AssumedPrincipal) != "arn:aws:iam::444455556666:root" {
		t.Fatalf("assumed principal %q", aws.ToString(out.AssumedPrincipal))
	}
	if d := time.Until(*out.Credentials.Expiration); d < 29*time.Minute || d > 31*time.Minute {
		t.Errorf("delegated session lasts %v", d)
	}
	cfg := ls.Config.Copy()
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	who := harness.Must(sts.NewFromConfig(cfg).GetCallerIdentity(harness.Ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(who.Account) != "444455556666" {
		t.Errorf("delegated caller account %s", aws.ToString(who.Account))
	}
	// A token is exchanged once.
	_, err = client.GetDelegatedAccessToken(harness.Ctx, &sts.GetDelegatedAccessTokenInput{TradeInToken: aws.String(token)})
	harness.AssertAPIError(t, err, "ExpiredTradeInTokenException")
}

func TestSTSWebIdentityTokenFederatesAcrossAccounts(t *testing.T) {
	ls := harness.Start(t)
	// Account 000000000000 vends tokens; account 111122223333 trusts its issuer.
	issuer := aws.ToString(harness.Must(iam.NewFromConfig(ls.Config).EnableOutboundWebIdentityFederation(harness.Ctx,
		&iam.EnableOutboundWebIdentityFederationInput{}))(t).IssuerIdentifier)
	token := aws.ToString(harness.Must(sts.NewFromConfig(ls.Config).GetWebIdentityToken(harness.Ctx, &sts.GetWebIdentityTokenInput{
		Audience: []string{"partner-app"}, SigningAlgorithm: aws.String("ES384")}))(t).WebIdentityToken)

	cfg := ls.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	partner := iam.NewFromConfig(cfg)
	providerArn := aws.ToString(harness.Must(partner.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(issuer), ClientIDList: []string{"partner-app"}}))(t).OpenIDConnectProviderArn)
	host := strings.TrimPrefix(issuer, "https://")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + providerArn + `"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:sub":"arn:aws:iam::000000000000:root"}}}]}`
	roleArn := fedCreateRole(t, partner, "from-vendor", trust, 0)

	client := fedUnsigned(ls)
	out := harness.Must(client.AssumeRoleWithWebIdentity(harness.Ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleArn),
		RoleSessionName: aws.String("vendor"), WebIdentityToken: aws.String(token)}))(t)
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::111122223333:assumed-role/from-vendor/vendor" {
		t.Fatalf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	}

	// Longshore holds the issuer's keys, so a tampered token is refused.
	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	// Same claims, one byte more: still valid JSON, no longer what was signed.
	parts[1] = base64.RawURLEncoding.EncodeToString(append(payload, ' '))
	_, err := client.AssumeRoleWithWebIdentity(harness.Ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(roleArn),
		RoleSessionName: aws.String("vendor"), WebIdentityToken: aws.String(strings.Join(parts, "."))})
	ae := harness.AssertAPIError(t, err, "InvalidIdentityToken")
	if !strings.Contains(ae.ErrorMessage(), "signature") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}
