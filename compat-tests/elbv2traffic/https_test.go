package elbv2traffic_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/longshore/longshore/compat-tests/harness"
)

// selfSigned returns a PEM certificate and key for name.
func selfSigned(t *testing.T, name string) (certPEM, keyPEM string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

// An HTTPS listener whose certificate is an IAM server certificate presents
// it on its local port and forwards with X-Forwarded-Proto https.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
func TestHTTPSListenerPresentsIAMCertificate(t *testing.T) {
	e := start(t)
	b := newBackend(t, "secure")
	certPEM, keyPEM := selfSigned(t, "shop.example.com")
	up, err := iam.NewFromConfig(e.ls.Config).UploadServerCertificate(harness.Ctx, &iam.UploadServerCertificateInput{
		ServerCertificateName: aws.String("shop"), CertificateBody: aws.String(certPEM), PrivateKey: aws.String(keyPEM)})
	if err != nil {
		t.Fatal(err)
	}
	lb := e.alb(unique("tls"))
	tg := e.ipGroup(unique("tls"), types.ProtocolEnumHttp, b)
	out, err := e.c.CreateListener(harness.Ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: types.ProtocolEnumHttps,
		Port: aws.Int32(443), DefaultActions: forward(tg), Certificates: []types.Certificate{{CertificateArn: up.ServerCertificateMetadata.Arn}}})
	if err != nil {
		t.Fatal(err)
	}
	ep := e.endpoint(out.Listeners[0].ListenerArn)
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, ServerName: "shop.example.com"}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Get("https://" + ep.LocalAddress + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "secure" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	if cn := resp.TLS.PeerCertificates[0].Subject.CommonName; cn != "shop.example.com" {
		t.Fatalf("certificate presented: %q", cn)
	}
	if h := *b.last.Load(); h.Get("X-Forwarded-Proto") != "https" || h.Get("X-Forwarded-Port") != "443" {
		t.Fatalf("X-Forwarded-Proto/Port %q/%q", h.Get("X-Forwarded-Proto"), h.Get("X-Forwarded-Port"))
	}
}
