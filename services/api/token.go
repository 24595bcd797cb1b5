package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// tokenKey signs pagination tokens so that a forged or edited token is refused.
var tokenKey = []byte("longshore pagination token v1")

// ErrBadToken is returned for a token that Longshore did not issue for this listing.
var ErrBadToken = errors.New("invalid pagination token")

// EncodeToken makes an opaque pagination token for position seq of listing scope
// (for example "ecs:ListServices:clusterArn").
func EncodeToken(scope string, seq int64) string {
	b := make([]byte, 8, 8+16)
	binary.BigEndian.PutUint64(b, uint64(seq))
	b = append(b, tokenMAC(scope, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeToken returns the position of a token made by EncodeToken for the same scope.
// An empty token is position 0.
func DecodeToken(scope, token string) (int64, error) {
	if token == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+16 {
		return 0, ErrBadToken
	}
	if !hmac.Equal(b[8:], tokenMAC(scope, b[:8])) {
		return 0, ErrBadToken
	}
	return int64(binary.BigEndian.Uint64(b[:8])), nil
}

func tokenMAC(scope string, pos []byte) []byte {
	m := hmac.New(sha256.New, tokenKey)
	m.Write([]byte(scope))
	m.Write(pos)
	return m.Sum(nil)[:16]
}

// EncodeCursor makes an opaque pagination token that carries a string position
// (for listings ordered by name rather than by creation).
func EncodeCursor(scope, cursor string) string {
	b := append([]byte(cursor), tokenMAC(scope, []byte(cursor))...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor returns the position of a token made by EncodeCursor for the same scope.
func DecodeCursor(scope, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 16 {
		return "", ErrBadToken
	}
	cur, mac := b[:len(b)-16], b[len(b)-16:]
	if !hmac.Equal(mac, tokenMAC(scope, cur)) {
		return "", ErrBadToken
	}
	return string(cur), nil
}
