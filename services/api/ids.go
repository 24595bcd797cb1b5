package api

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	mrand "math/rand/v2"
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

// UUID returns a random (version 4) UUID in its canonical text form. Its
// bits come from math/rand/v2's generator (ChaCha8, seeded by the runtime
// from the OS), unpredictable enough for an identifier and free of the
// system call crypto/rand may make: every request draws one for its id.
func UUID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], mrand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], mrand.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
