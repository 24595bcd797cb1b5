package sts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

// authMessageKey signs encoded authorization messages so that only messages
// Longshore produced decode.
var authMessageKey = []byte("longshore authorization message v1")

const authMessagePrefix = "LS1."

// EncodeAuthorizationMessage turns the JSON details of a denied request into the
// opaque message AWS puts in an AccessDenied error, which
// DecodeAuthorizationMessage reverses.
func EncodeAuthorizationMessage(decoded string) string {
	body := base64.RawURLEncoding.EncodeToString([]byte(decoded))
	return authMessagePrefix + body + "." + base64.RawURLEncoding.EncodeToString(authMessageMAC(body))
}

func authMessageMAC(body string) []byte {
	m := hmac.New(sha256.New, authMessageKey)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// decodeAuthMessage reverses EncodeAuthorizationMessage.
func decodeAuthMessage(encoded string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(encoded), authMessagePrefix)
	if !ok {
		return "", false
	}
	body, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, authMessageMAC(body)) {
		return "", false
	}
	msg, err := base64.RawURLEncoding.DecodeString(body)
	return string(msg), err == nil
}

func decodeAuthorizationMessage(_ *api.Context, in *sts.DecodeAuthorizationMessageInput) (*sts.DecodeAuthorizationMessageOutput, error) {
	msg, ok := decodeAuthMessage(aws.ToString(in.EncodedMessage))
	if !ok {
		return nil, apierror.New("InvalidAuthorizationMessageException", "Message is not valid")
	}
	return &sts.DecodeAuthorizationMessageOutput{DecodedMessage: aws.String(msg)}, nil
}
