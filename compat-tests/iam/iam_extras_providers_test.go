package iam_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

const extrasThumbprint = "990f4193972f2becf12ddeda5237f9c952f20d9e"

func TestExtrasOpenIDConnectProviders(t *testing.T) {
	_, client := coreStart(t)
	out := harness.Must(client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://token.actions.githubusercontent.com"), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{extrasThumbprint}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ci")}}}))(t)
	arn := aws.ToString(out.OpenIDConnectProviderArn)
	if arn != "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com" {
		t.Fatalf("arn %q", arn)
	}
	got := harness.Must(client.GetOpenIDConnectProvider(harness.Ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))(t)
	if aws.ToString(got.Url) != "token.actions.githubusercontent.com" || !slices.Equal(got.ClientIDList, []string{"sts.amazonaws.com"}) ||
		!slices.Equal(got.ThumbprintList, []string{extrasThumbprint}) || got.CreateDate == nil || len(got.Tags) != 1 {
		t.Fatalf("provider %+v", got)
	}

	_, err := client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://token.actions.githubusercontent.com"), ThumbprintList: []string{extrasThumbprint}})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "Provider with url https://token.actions.githubusercontent.com already exists.")
	// A URL that is not https:// and too many thumbprints answer as LocalStack's
	// AWS-validated snapshots record them (tests/aws/services/iam/test_iam_oidc.snapshot.json:
	// test_create_open_id_connect_provider_invalid_url, ..._too_many_thumbprints).
	for _, bad := range []string{"http://insecure.example.com", "example.org"} {
		_, err = client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(bad), ThumbprintList: []string{extrasThumbprint}})
		harness.AssertError(t, err, "ValidationError", 400, "Invalid Open ID Connect Provider URL")
	}
	_, err = client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://x.example.com"),
		ThumbprintList: []string{"a", "b"}})
	harness.AssertAPIError(t, err, "ValidationError") // thumbprints are 40 characters
	_, err = client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://x.example.com"),
		ThumbprintList: []string{strings.Repeat("z", 40)}})
	harness.AssertAPIError(t, err, "InvalidInput")
	six := []string{}
	for i := range 6 {
		six = append(six, fmt.Sprintf("%040x", i))
	}
	_, err = client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://x.example.com"), ThumbprintList: six})
	harness.AssertError(t, err, "InvalidInput", 400, "Thumbprint list must contain fewer than 5 entries.")
	five := harness.Must(client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://five.example.com"), ThumbprintList: six[:5]}))(t)
	harness.Must(client.DeleteOpenIDConnectProvider(harness.Ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: five.OpenIDConnectProviderArn}))(t)

	// Client ids: adding is idempotent, removing an absent one is fine.
	for _, id := range []string{"app-1", "app-1", "app-2"} {
		harness.Must(client.AddClientIDToOpenIDConnectProvider(harness.Ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
			OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(id)}))(t)
	}
	harness.Must(client.RemoveClientIDFromOpenIDConnectProvider(harness.Ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("sts.amazonaws.com")}))(t)
	harness.Must(client.RemoveClientIDFromOpenIDConnectProvider(harness.Ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("never-added")}))(t)
	newPrint := strings.Repeat("ab", 20)
	harness.Must(client.UpdateOpenIDConnectProviderThumbprint(harness.Ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{
		OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{newPrint}}))(t)
	got = harness.Must(client.GetOpenIDConnectProvider(harness.Ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))(t)
	if !slices.Equal(got.ClientIDList, []string{"app-1", "app-2"}) || !slices.Equal(got.ThumbprintList, []string{newPrint}) {
		t.Fatalf("after updates %v %v", got.ClientIDList, got.ThumbprintList)
	}

	// Tags.
	harness.Must(client.TagOpenIDConnectProvider(harness.Ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("TEAM"), Value: aws.String("platform")}, {Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	var tags []types.Tag
	tp := iam.NewListOpenIDConnectProviderTagsPaginator(client, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn), MaxItems: aws.Int32(1)})
	pages := 0
	for tp.HasMorePages() {
		tags = append(tags, harness.Must(tp.NextPage(harness.Ctx))(t).Tags...)
		pages++
	}
	if pages != 2 || len(tags) != 2 || aws.ToString(tags[0].Key) != "TEAM" || aws.ToString(tags[0].Value) != "platform" {
		t.Fatalf("tags over %d pages: %+v", pages, tags)
	}
	_, err = client.TagOpenIDConnectProvider(harness.Ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}})
	harness.AssertError(t, err, "InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	many := []types.Tag{}
	for i := range 49 {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}
	_, err = client.TagOpenIDConnectProvider(harness.Ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), Tags: many})
	harness.AssertError(t, err, "LimitExceeded", 409, "")
	harness.Must(client.UntagOpenIDConnectProvider(harness.Ctx, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn),
		TagKeys: []string{"team", "env"}}))(t)
	if n := len(harness.Must(client.ListOpenIDConnectProviderTags(harness.Ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn)}))(t).Tags); n != 0 {
		t.Errorf("%d tags left", n)
	}

	harness.Must(client.CreateOpenIDConnectProvider(harness.Ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"), ClientIDList: []string{"sts.amazonaws.com"}}))(t)
	list := harness.Must(client.ListOpenIDConnectProviders(harness.Ctx, &iam.ListOpenIDConnectProvidersInput{}))(t).OpenIDConnectProviderList
	if len(list) != 2 || aws.ToString(list[1].Arn) != "arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789" {
		t.Fatalf("list %+v", list)
	}

	harness.Must(client.DeleteOpenIDConnectProvider(harness.Ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)}))(t)
	_, err = client.GetOpenIDConnectProvider(harness.Ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "OpenIDConnect Provider not found for arn "+arn)
	_, err = client.DeleteOpenIDConnectProvider(harness.Ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

// extrasSAMLMetadata is an IdP metadata document (at least 1000 characters, as the model requires).
func extrasSAMLMetadata(t *testing.T, entityID string, validUntil string) string {
	certPEM, _ := extrasCert(t, "idp.example.com", time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), true)
	body := strings.Join(strings.Split(strings.TrimSpace(certPEM), "\n")[1:], "")
	body = strings.TrimSuffix(body, "-----END CERTIFICATE-----")
	attr := ""
	if validUntil != "" {
		attr = ` validUntil="` + validUntil + `"`
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + entityID + `"` + attr + `>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + body + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
}

func TestExtrasSAMLProviders(t *testing.T) {
	_, client := coreStart(t)
	md := extrasSAMLMetadata(t, "https://idp.example.com/metadata", "2031-01-02T03:04:05Z")
	out := harness.Must(client.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Okta"),
		SAMLMetadataDocument: aws.String(md), Tags: []types.Tag{{Key: aws.String("idp"), Value: aws.String("okta")}}}))(t)
	arn := aws.ToString(out.SAMLProviderArn)
	if arn != "arn:aws:iam::000000000000:saml-provider/Okta" || len(out.Tags) != 1 {
		t.Fatalf("create %+v", out)
	}
	got := harness.Must(client.GetSAMLProvider(harness.Ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)}))(t)
	if aws.ToString(got.SAMLMetadataDocument) != md || got.CreateDate == nil || got.ValidUntil == nil ||
		!got.ValidUntil.Equal(time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)) || len(aws.ToString(got.SAMLProviderUUID)) != 36 {
		t.Fatalf("get %+v", got)
	}

	_, err := client.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Okta"), SAMLMetadataDocument: aws.String(md)})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "")
	_, err = client.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Bad"),
		SAMLMetadataDocument: aws.String(strings.Repeat("<not-metadata/>", 100))})
	harness.AssertError(t, err, "InvalidInput", 400, "Could not parse metadata")
	_, err = client.CreateSAMLProvider(harness.Ctx, &iam.CreateSAMLProviderInput{Name: aws.String("Short"), SAMLMetadataDocument: aws.String("<x/>")})
	harness.AssertAPIError(t, err, "ValidationError")

	// Update the metadata and manage decryption keys.
	md2 := extrasSAMLMetadata(t, "https://idp.example.com/metadata", "")
	_, keyPEM := extrasCert(t, "sp", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), true)
	up := harness.Must(client.UpdateSAMLProvider(harness.Ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn),
		SAMLMetadataDocument: aws.String(md2), AddPrivateKey: aws.String(keyPEM), AssertionEncryptionMode: types.AssertionEncryptionModeTypeRequired}))(t)
	if aws.ToString(up.SAMLProviderArn) != arn {
		t.Errorf("update arn %q", aws.ToString(up.SAMLProviderArn))
	}
	got = harness.Must(client.GetSAMLProvider(harness.Ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)}))(t)
	if aws.ToString(got.SAMLMetadataDocument) != md2 || got.ValidUntil != nil || len(got.PrivateKeyList) != 1 ||
		got.AssertionEncryptionMode != types.AssertionEncryptionModeTypeRequired {
		t.Fatalf("after update %+v", got)
	}
	keyID := got.PrivateKeyList[0].KeyId
	// Required encryption needs a key: removing the only one fails and changes nothing.
	_, err = client.UpdateSAMLProvider(harness.Ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), RemovePrivateKey: keyID})
	harness.AssertAPIError(t, err, "InvalidInput")
	harness.Must(client.UpdateSAMLProvider(harness.Ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), RemovePrivateKey: keyID,
		AssertionEncryptionMode: types.AssertionEncryptionModeTypeAllowed}))(t)
	_, err = client.UpdateSAMLProvider(harness.Ctx, &iam.UpdateSAMLProviderInput{SAMLProviderArn: aws.String(arn), SAMLMetadataDocument: aws.String(strings.Repeat("x", 1000))})
	harness.AssertError(t, err, "InvalidInput", 400, "Could not parse metadata")

	// Tags.
	harness.Must(client.TagSAMLProvider(harness.Ctx, &iam.TagSAMLProviderInput{SAMLProviderArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("idp"), Value: aws.String("okta-2")}, {Key: aws.String("env"), Value: aws.String("prod")}}}))(t)
	var tags []types.Tag
	tp := iam.NewListSAMLProviderTagsPaginator(client, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn), MaxItems: aws.Int32(1)})
	for tp.HasMorePages() {
		tags = append(tags, harness.Must(tp.NextPage(harness.Ctx))(t).Tags...)
	}
	if len(tags) != 2 || aws.ToString(tags[0].Key) != "idp" || aws.ToString(tags[0].Value) != "okta-2" {
		t.Fatalf("tags %+v", tags)
	}
	harness.Must(client.UntagSAMLProvider(harness.Ctx, &iam.UntagSAMLProviderInput{SAMLProviderArn: aws.String(arn), TagKeys: []string{"idp"}}))(t)
	if tl := harness.Must(client.ListSAMLProviderTags(harness.Ctx, &iam.ListSAMLProviderTagsInput{SAMLProviderArn: aws.String(arn)}))(t).Tags; len(tl) != 1 {
		t.Errorf("tags after untag %+v", tl)
	}

	if v := harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap["Providers"]; v != 1 {
		t.Errorf("summary Providers %d", v)
	}
	list := harness.Must(client.ListSAMLProviders(harness.Ctx, &iam.ListSAMLProvidersInput{}))(t).SAMLProviderList
	if len(list) != 1 || aws.ToString(list[0].Arn) != arn || list[0].CreateDate == nil {
		t.Fatalf("list %+v", list)
	}
	harness.Must(client.DeleteSAMLProvider(harness.Ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)}))(t)
	_, err = client.GetSAMLProvider(harness.Ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	_, err = client.DeleteSAMLProvider(harness.Ctx, &iam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(arn)})
	harness.AssertAPIError(t, err, "NoSuchEntity")
	_, err = client.GetSAMLProvider(harness.Ctx, &iam.GetSAMLProviderInput{SAMLProviderArn: aws.String("arn:aws:iam::000000000000:role/not-a-provider")})
	harness.AssertAPIError(t, err, "InvalidInput")
}
