package api

import (
	"crypto/rand"
	"encoding/hex"
)

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// RandomString returns n characters drawn from alphabet (at most 256 characters long).
func RandomString(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// UniqueID returns an IAM-style unique id: a four-letter prefix (AIDA, AROA,
// ANPA, AKIA, ASIA …) and upper-case characters, 21 in all (20 for access keys).
func UniqueID(prefix string) string {
	n := 21
	if prefix == "AKIA" || prefix == "ASIA" {
		n = 20
	}
	return prefix + RandomString(upperAlnum, n-len(prefix))
}

// HexID returns n random hexadecimal characters (ECS task ids are 32).
func HexID(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// Secret returns a 40-character secret access key.
func Secret() string {
	return RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
}
