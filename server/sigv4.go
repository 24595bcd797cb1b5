package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// credential is what the SigV4 credential scope says about a request.
type credential struct {
	AccessKeyID string
	Region      string
	Service     string // signing name, e.g. "sts", "elasticloadbalancing"
}

// parseCredential reads the scope from the Authorization header or, for
// presigned requests, from X-Amz-Credential. Signatures are not verified.
func parseCredential(r *http.Request) credential {
	scope := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			scope = auth[i+len("Credential="):]
			if j := strings.IndexAny(scope, ", "); j >= 0 {
				scope = scope[:j]
			}
		}
	} else if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		scope = c
	}
	if scope == "" {
		return credential{}
	}
	// AKID/date/region/service/aws4_request
	parts := strings.Split(scope, "/")
	c := credential{AccessKeyID: parts[0]}
	if len(parts) >= 5 {
		c.Region, c.Service = parts[2], parts[3]
	}
	return c
}

// isAccountID reports whether s is a 12-digit account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// signature is a request's SigV4 signature with what it covers, read from
// the Authorization header or from a presigned URL's query.
type signature struct {
	Presigned     bool
	AccessKeyID   string
	Scope         string // date/region/service/aws4_request
	Date          string // yyyymmdd of the scope
	SignedHeaders []string
	Signature     string
	Time          time.Time // X-Amz-Date (or Date)
	Expires       time.Duration
	SessionToken  string
}

// sigError is why a signature could not be read or does not verify.
type sigError int

const (
	sigOK           sigError = iota
	sigMissing               // no Authorization header nor presigned query
	sigMalformed             // unreadable Authorization header
	sigMismatch              // the signature is not the one computed
	sigExpired               // X-Amz-Date older than the allowed skew (or presigned URL expired)
	sigNotYetValid           // X-Amz-Date later than the allowed skew
	sigPresignedOld          // a presigned URL past X-Amz-Expires
)

// maxSkew is how far a request's time may be from the server's: AWS answers
// "Signature expired: ... (... - 5 min.)" beyond it.
const maxSkew = 5 * time.Minute

const amzDateLayout = "20060102T150405Z"

// parseSignature reads the SigV4 elements of a request.
func parseSignature(r *http.Request) (signature, sigError) {
	var s signature
	if auth := r.Header.Get("Authorization"); auth != "" {
		const alg = "AWS4-HMAC-SHA256"
		if !strings.HasPrefix(auth, alg) {
			return s, sigMalformed
		}
		for _, part := range strings.Split(auth[len(alg):], ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			switch k {
			case "Credential":
				s.AccessKeyID, s.Scope, _ = strings.Cut(v, "/")
			case "SignedHeaders":
				s.SignedHeaders = strings.Split(v, ";")
			case "Signature":
				s.Signature = v
			}
		}
		s.SessionToken = r.Header.Get("X-Amz-Security-Token")
		date := r.Header.Get("X-Amz-Date")
		t, err := time.Parse(amzDateLayout, date)
		if err != nil {
			if t, err = http.ParseTime(r.Header.Get("Date")); err != nil {
				return s, sigMalformed
			}
		}
		s.Time = t
	} else {
		q := r.URL.Query()
		if q.Get("X-Amz-Algorithm") == "" {
			return s, sigMissing
		}
		if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
			return s, sigMalformed
		}
		s.Presigned = true
		s.AccessKeyID, s.Scope, _ = strings.Cut(q.Get("X-Amz-Credential"), "/")
		s.SignedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
		s.Signature = q.Get("X-Amz-Signature")
		s.SessionToken = q.Get("X-Amz-Security-Token")
		t, err := time.Parse(amzDateLayout, q.Get("X-Amz-Date"))
		if err != nil {
			return s, sigMalformed
		}
		s.Time = t
		if n, err := strconv.Atoi(q.Get("X-Amz-Expires")); err == nil {
			s.Expires = time.Duration(n) * time.Second
		}
	}
	if s.AccessKeyID == "" || s.Signature == "" || len(s.SignedHeaders) == 0 || strings.Count(s.Scope, "/") != 3 {
		return s, sigMalformed
	}
	s.Date = s.Scope[:strings.IndexByte(s.Scope, '/')]
	return s, sigOK
}

// checkTime refuses a request whose time is outside the allowed skew (or a
// presigned URL past its expiry).
func (s *signature) checkTime(now time.Time) sigError {
	if s.Presigned && s.Expires > 0 {
		if now.After(s.Time.Add(s.Expires)) {
			return sigPresignedOld
		}
		if s.Time.After(now.Add(maxSkew)) {
			return sigNotYetValid
		}
		return sigOK
	}
	switch {
	case s.Time.Before(now.Add(-maxSkew)):
		return sigExpired
	case s.Time.After(now.Add(maxSkew)):
		return sigNotYetValid
	}
	return sigOK
}

// skewMessage is AWS's text for a request outside the allowed skew.
func (s *signature) skewMessage(e sigError, now time.Time) string {
	now = now.UTC()
	switch e {
	case sigNotYetValid:
		return "Signature not yet current: " + s.Time.UTC().Format(amzDateLayout) + " is still later than " +
			now.Add(maxSkew).Format(amzDateLayout) + " (" + now.Format(amzDateLayout) + " + 5 min.)"
	case sigPresignedOld:
		return "Signature expired: " + s.Time.Add(s.Expires).UTC().Format(amzDateLayout) + " is now earlier than " + now.Format(amzDateLayout) + "."
	}
	return "Signature expired: " + s.Time.UTC().Format(amzDateLayout) + " is now earlier than " +
		now.Add(-maxSkew).Format(amzDateLayout) + " (" + now.Format(amzDateLayout) + " - 5 min.)"
}

// verify recomputes the signature of r with secret and compares it. body is
// the request body as it arrived (before any Content-Encoding is undone).
func (s *signature) verify(r *http.Request, body []byte, secret string, keys *signingKeys) bool {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" || payload == "UNSIGNED-PAYLOAD" && !s.Presigned {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	} else if payload != "UNSIGNED-PAYLOAD" {
		sum := sha256.Sum256(body)
		if payload != hex.EncodeToString(sum[:]) {
			return false
		}
	}
	want, err := hex.DecodeString(s.Signature)
	if err != nil {
		return false
	}
	key := keys.get(secret, s.Scope)
	if hmac.Equal(want, s.compute(r, payload, key)) {
		return true
	}
	if s.Presigned && payload != "UNSIGNED-PAYLOAD" {
		// Presigners may sign without the payload.
		return hmac.Equal(want, s.compute(r, "UNSIGNED-PAYLOAD", key))
	}
	return false
}

// compute returns the signature of the canonical request.
func (s *signature) compute(r *http.Request, payload string, key []byte) []byte {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(escapePath(path))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery, s.Presigned))
	b.WriteByte('\n')
	for _, h := range s.SignedHeaders {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(s.SignedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	creq := sha256.Sum256([]byte(b.String()))

	var sts strings.Builder
	sts.Grow(160)
	sts.WriteString("AWS4-HMAC-SHA256\n")
	sts.WriteString(s.Time.UTC().Format(amzDateLayout))
	sts.WriteByte('\n')
	sts.WriteString(s.Scope)
	sts.WriteByte('\n')
	sts.WriteString(hex.EncodeToString(creq[:]))
	return hmacSHA256(key, sts.String())
}

// headerValue is a signed header's canonical value: values joined by ",",
// spaces trimmed and runs of spaces collapsed.
func headerValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	case "content-length":
		if r.ContentLength >= 0 && r.Header.Get("Content-Length") == "" {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		} else {
			vals = r.Header.Values(name)
		}
	default:
		vals = r.Header.Values(name)
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

// escapePath URI-encodes each segment of an already escaped path, as SigV4
// does for every service but S3.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

// canonicalQuery sorts the query's parameters, each name and value
// URI-encoded; a presigned request leaves out X-Amz-Signature.
func canonicalQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	pairs := make([]string, 0, len(q))
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		ek := uriEncode(k)
		for _, v := range vs {
			pairs = append(pairs, ek+"="+uriEncode(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes everything but RFC 3986's unreserved characters.
func uriEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	clean := true
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// signingKeys remembers derived signing keys by secret and scope: deriving
// one costs four HMACs, and a client signs many requests with the same.
type signingKeys struct {
	mu   sync.Mutex
	keys map[string][]byte
}

const maxSigningKeys = 1024

func (k *signingKeys) get(secret, scope string) []byte {
	id := secret + "\x00" + scope
	k.mu.Lock()
	key, ok := k.keys[id]
	k.mu.Unlock()
	if ok {
		return key
	}
	parts := strings.Split(scope, "/")
	key = []byte("AWS4" + secret)
	for _, p := range parts {
		key = hmacSHA256(key, p)
	}
	k.mu.Lock()
	if k.keys == nil || len(k.keys) >= maxSigningKeys {
		k.keys = map[string][]byte{}
	}
	k.keys[id] = key
	k.mu.Unlock()
	return key
}
