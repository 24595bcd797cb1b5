package iam

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"time"
)

// totpStep is the time step of RFC 6238 codes that virtual MFA apps show.
const totpStep = 30 * time.Second

// totpCode computes the six-digit RFC 6238 (HMAC-SHA1) code of a base32 seed
// for time step counter.
func totpCode(seed string, counter int64) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(seed)
	if err != nil {
		return "", err
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000), nil
}

// matchConsecutiveCodes finds the step whose code is code1 and whose next
// step's code is code2, searching window steps either side of now's step.
// It returns the step of code2 and whether it was found.
func matchConsecutiveCodes(seed, code1, code2 string, now time.Time, window int64) (int64, bool) {
	center := now.Unix() / int64(totpStep/time.Second)
	for d := int64(0); d <= window; d++ {
		for _, step := range []int64{center - d, center + d} {
			c1, err := totpCode(seed, step)
			if err != nil {
				return 0, false
			}
			if c1 != code1 {
				continue
			}
			if c2, _ := totpCode(seed, step+1); c2 == code2 {
				return step + 1, true
			}
		}
	}
	return 0, false
}
